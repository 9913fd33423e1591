import { Flags } from '@oclif/core'
import { CONFIG_DEFAULTS, oidcIssuerOf, redactUrl, type ConfigOverrides } from '../config.js'
import { passkeyUrlProblem } from '../domain/passkey-origin.js'
import { isClusterWorker, leaveCluster, primaryFoundSchemaReady, primaryGone, superviseWorkers } from '../infra/cluster/worker-supervisor.js'
import { describeDataKeys } from '../infra/data-keys/key-source.js'
import { prepareService } from '../usecases/service/prepare-service.js'
import { VERSION } from '../version.js'
import { BaseCommand } from './base-command.js'
import { integerFlag } from './integer-input.js'

export default class Serve extends BaseCommand<typeof Serve> {
  static override summary = 'Start the HTTP server (applies pending migrations first unless --no-migrate).'
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 9000 --host 0.0.0.0 --workers 2',
    'HEIMDALL_DATABASE_URL=mysql://heimdall:secret@127.0.0.1:3306/heimdall <%= config.bin %> serve',
  ]

  static override flags = {
    host: Flags.string({ description: `Interface to listen on (default: HEIMDALL_HOST, else ${CONFIG_DEFAULTS.host})` }),
    port: integerFlag({ description: `Port to listen on; 0 picks a free one (default: HEIMDALL_PORT, else ${CONFIG_DEFAULTS.port})`, min: 0, max: 65535 }),
    workers: integerFlag({ description: `Worker processes sharing the port (default: HEIMDALL_WORKERS, else ${CONFIG_DEFAULTS.workers})`, min: 1, max: 64 }),
    migrate: Flags.boolean({ description: 'Apply pending migrations at start-up', default: true, allowNo: true }),
  }

  protected override contextOptions = { watchRevocations: true }

  public async run(): Promise<{ url: string; database: string } | undefined> {
    // Listening from the start: a signal that arrives while starting up still shuts down cleanly.
    const stopped = stopSignal()
    if (isClusterWorker()) return this.runWorker(stopped)
    const workers = this.flags.workers ?? this.context.config.workers
    return workers > 1 ? this.runPrimary(workers, stopped) : this.runSingle(stopped)
  }

  /** One process: listen first (probes answer 503 until ready), then migrate. */
  private async runSingle(stopped: Promise<NodeJS.Signals>) {
    const secretSource = this.context.secretSource // a missing or weak secret fails before the port opens
    const running = await this.startHttpServer()
    this.banner(running.url, secretSource, 1)
    try {
      if (await this.prepareDatabase()) this.log('Ready')
    } catch (error) {
      await running.close()
      throw error
    }
    const signal = await stopped
    this.log(`Received ${signal}: finishing in-flight requests and shutting down`)
    await running.close()
    return { url: running.url, database: this.databaseLabel() }
  }

  /** The primary migrates, then forks workers, replaces any that die, and stops them together. */
  private async runPrimary(count: number, stopped: Promise<NodeJS.Signals>) {
    const secretSource = this.context.secretSource
    const ready = await this.prepareDatabase()
    const workers = superviseWorkers({
      count,
      schemaReady: ready,
      onWorkerDied: (pid, reason) => this.warn(`worker ${pid} died (${reason}); starting a new one`),
    })
    const url = await workers.listening
    this.banner(url, secretSource, count)
    if (ready) this.log('Ready')

    const signal = await stopped
    this.log(`Received ${signal}: stopping ${count} workers gracefully`)
    await workers.stop()
    return { url, database: this.databaseLabel() }
  }

  /** A worker serves until told to stop, or until its primary goes away. */
  private async runWorker(stopped: Promise<NodeJS.Signals>) {
    this.context.ready = primaryFoundSchemaReady()
    const running = await this.startHttpServer()
    await Promise.race([stopped, primaryGone()])
    await running.close()
    leaveCluster()
    return undefined
  }

  /** --host and --port are settings like HEIMDALL_HOST and HEIMDALL_PORT: the default public URL follows them. */
  protected override configOverrides(): ConfigOverrides {
    return { ...super.configOverrides(), host: this.flags.host, port: this.flags.port }
  }

  private listenOptions() {
    return { host: this.context.config.host, port: this.context.config.port }
  }

  private databaseLabel(): string {
    return `${this.context.config.databaseType} ${redactUrl(this.context.config.databaseUrl)}`
  }

  private banner(url: string, secretSource: string, workers: number): void {
    this.log(`Heimdall ${VERSION} listening on ${url}${workers > 1 ? ` with ${workers} workers` : ''}`)
    this.log(`Database: ${this.databaseLabel()}`)
    this.log(`JWT secret: ${secretSource}`)
    const dataKeys = describeDataKeys(this.context.config)
    if (dataKeys.kind === 'missing') this.warn(`No data keys: set HEIMDALL_DATA_KEY_FILE (a file every instance shares) or HEIMDALL_DATA_KEYS, or TOTP setups and new signing keys fail (docs/security.md)`)
    const config = this.context.config
    // What other services and relying parties are given: the public URL, not the listening address behind a proxy.
    if (config.jwtAlg !== 'HS256') this.log(`Tokens: ${config.jwtAlg}, public keys at ${config.publicUrl}/.well-known/jwks.json`)
    if (config.oidcEnabled) {
      const issuer = oidcIssuerOf(config)
      this.log(`OpenID Connect: issuer ${issuer}, discovery ${issuer}/.well-known/openid-configuration, keys ${issuer}/jwks`)
      if (!isHttpsOrLoopback(config.publicUrl)) {
        this.log('HEIMDALL_PUBLIC_URL is not https: relying parties such as mod_auth_openidc accept only https endpoints; put a TLS proxy in front (docs/oidc.md)')
      }
    }
    if (config.databaseReadUrl) this.log(`Read replica: ${redactUrl(config.databaseReadUrl)}`)
    this.log(
      config.redisUrl
        ? `Revocations: redis ${redactUrl(config.redisUrl)} (database poll every ${config.revocationPollMs} ms as the fallback)`
        : `Revocations: database poll every ${config.revocationPollMs} ms (set HEIMDALL_REDIS_URL for instant propagation)`,
    )
    this.log(
      config.smtpUrl
        ? `Mail: SMTP ${redactUrl(config.smtpUrl)}, from ${config.mailFrom}; links point to ${config.publicUrl}`
        : `Mail: HEIMDALL_SMTP_URL is not set: mails stay pending in the outbox (heimdall mail:list, heimdall mail:show ID); links point to ${config.publicUrl}`,
    )
    const passkeys = passkeyUrlProblem(config.publicUrl)
    if (passkeys) this.warn(`Passkeys will fail: ${passkeys} (HEIMDALL_PUBLIC_URL)`)
    if (config.mailTemplatesDir) {
      const replaced = Object.entries(this.context.mail.templates().sources()).filter(([, source]) => source !== 'builtin')
      this.log(`Mail templates: ${replaced.length} replaced from ${config.mailTemplatesDir}${replaced.length ? ` (${replaced.map(([name]) => name).join(', ')})` : ''}`)
    }
    if (this.jsonEnabled()) this.logJson({ url, database: this.databaseLabel(), workers })
  }

  /** Koa and its routes load here, not with the CLI: every other command starts without them. */
  private async startHttpServer() {
    const { startHttpServer } = await import('../http/server.js')
    return startHttpServer(this.context, this.listenOptions())
  }

  /** Start-up (the prepareService use case), told to the operator; answers whether the server is ready. */
  private async prepareDatabase(): Promise<boolean> {
    const prepared = await prepareService(this.context, { migrate: this.flags.migrate })
    if (!prepared.ready) {
      this.warn(`${prepared.pendingMigrations.length} pending migration(s): run "heimdall migrate"; not ready until then`)
      return false
    }
    if (this.flags.migrate) {
      const applied = prepared.appliedMigrations
      this.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date')
    }
    return true
  }
}

/** The first SIGINT or SIGTERM; later ones (Ctrl-C reaches every worker, then the primary relays) are ignored. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve)
    process.on('SIGTERM', resolve)
  })
}

/** Whether a URL is https, or http on a loopback host (a developer's machine, RFC 8252 section 8.3). */
function isHttpsOrLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  return protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(hostname)
}
