import { migrateRollback } from '../../infra/db/migrate.js'
import { BaseCommand } from '../base-command.js'

export default class MigrateRollback extends BaseCommand<typeof MigrateRollback> {
  static override summary = 'Roll back the last batch of migrations.'
  static override examples = ['<%= config.bin %> migrate:rollback']

  public async run(): Promise<{ rolledBack: string[] }> {
    const rolledBack = await migrateRollback(this.context.db)
    this.log(rolledBack.length ? `Rolled back: ${rolledBack.join(', ')}` : 'Nothing to roll back')
    return { rolledBack }
  }
}
