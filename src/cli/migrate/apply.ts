import { migrateLatest } from '../../infra/db/migrate.js'
import { BaseCommand } from '../base-command.js'

export default class MigrateApply extends BaseCommand<typeof MigrateApply> {
  static override summary = 'Apply all pending database migrations.'
  static override examples = ['<%= config.bin %> migrate', '<%= config.bin %> migrate --database-url sqlite:./data/heimdall.db --json']

  public async run(): Promise<{ applied: string[] }> {
    const applied = await migrateLatest(this.context.db)
    this.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Already up to date')
    return { applied }
  }
}
