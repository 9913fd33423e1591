import { migrationStatus, type MigrationStatus } from '../../infra/db/migrate.js'
import { BaseCommand } from '../base-command.js'

export default class MigrateStatus extends BaseCommand<typeof MigrateStatus> {
  static override summary = 'List applied and pending migrations.'
  static override examples = ['<%= config.bin %> migrate:status', '<%= config.bin %> migrate:status --json']

  public async run(): Promise<MigrationStatus> {
    const status = await migrationStatus(this.context.db)
    for (const name of status.applied) this.log(`applied  ${name}`)
    for (const name of status.pending) this.log(`pending  ${name}`)
    this.log(`${status.applied.length} applied, ${status.pending.length} pending`)
    return status
  }
}
