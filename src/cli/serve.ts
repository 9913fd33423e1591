import { Flags } from '@oclif/core'
import { redactUrl } from '../config.js'
import { migrateLatest, migrationStatus } from '../infra/db/migrate.js'
import { startHttpServer } from '../http/server.js'
import { VERSION } from '../version.js'
import { BaseCommand } from './base-command.js'

export default class Serve extends BaseCommand<typeof Serve> {
  static override summary = 'Start the HTTP server (applies pending migrations first unless --no-migrate).'
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 9000 --host 0.0.0.0',
    'HEIMDALL_DATABASE_URL=mysql://heimdall:secret@127.0.0.1:3306/heimdall <%= config.bin %> serve',
  ]

  static override flags = {
    host: Flags.string({ description: 'Interface to listen on (default: HEIMDALL_HOST, else 127.0.0.1)' }),
    port: Flags.integer({ description: 'Port to listen on; 0 picks a free one (default: HEIMDALL_PORT, else 8000)', min: 0, max: 65535 }),
    migrate: Flags.boolean({ description: 'Apply pending migrations at start-up', default: true, allowNo: true }),
  }

  public async run(): Promise<{ url: string; database: string }> {
    const ctx = this.context
    const { config } = ctx
    // Resolving the secret now makes a missing or weak one fail before the port opens.
    const secretSource = ctx.secretSource
    const running = await startHttpServer(ctx, { host: this.flags.host ?? config.host, port: this.flags.port ?? config.port })
    const database = `${config.databaseType} ${redactUrl(config.databaseUrl)}`
    this.log(`Heimdall ${VERSION} listening on ${running.url}`)
    this.log(`Database: ${database}`)
    this.log(`JWT secret: ${secretSource}`)

    const stopped = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    try {
      await this.prepareDatabase()
    } catch (error) {
      await running.close()
      throw error
    }
    if (this.jsonEnabled()) this.logJson({ url: running.url, database })

    const signal = await stopped
    this.log(`Received ${signal}: finishing in-flight requests and shutting down`)
    await running.close()
    return { url: running.url, database }
  }

  private async prepareDatabase(): Promise<void> {
    const ctx = this.context
    if (this.flags.migrate) {
      const applied = await migrateLatest(ctx.db)
      this.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date')
    } else {
      const { pending } = await migrationStatus(ctx.db)
      if (pending.length > 0) {
        this.warn(`${pending.length} pending migration(s): run "heimdall migrate"; not ready until then`)
        return
      }
    }
    ctx.ready = true
    this.log('Ready')
  }
}
