import type { Context } from '../../context.js'
import { migrateLatest, migrationStatus } from '../../infra/db/migrate.js'
import { migrateLegacySecrets } from '../data-keys/migrate-legacy-secrets.js'

export interface PrepareServiceInput {
  /** Apply pending migrations (serve's default); when false, only check that none is pending. */
  migrate: boolean
  /**
   * Create or load the signing key now (default), so that a secret that cannot decrypt it fails the
   * start rather than the first login. When false the key is made or read on first use.
   */
  prepareSigningKey?: boolean
}

export type PreparedService =
  | { ready: true; appliedMigrations: string[] }
  /** Migrations are pending and were not applied: the server answers, but is not ready. */
  | { ready: false; pendingMigrations: string[] }

/**
 * Start-up, the same for `heimdall serve` and the test server: brings the schema up to date (or
 * checks it is), seals secrets older releases kept under the JWT secret under the data key, prepares
 * the token service, and marks the context ready. Until then the API answers
 * 503 service.not_ready. Throws what the migrations or the key store throw.
 */
export async function prepareService(ctx: Context, input: PrepareServiceInput): Promise<PreparedService> {
  let appliedMigrations: string[] = []
  if (input.migrate) {
    appliedMigrations = await migrateLatest(ctx.db)
  } else {
    const { pending } = await migrationStatus(ctx.db)
    if (pending.length > 0) return { ready: false, pendingMigrations: pending }
  }
  await migrateLegacySecrets(ctx)
  if (input.prepareSigningKey !== false) await ctx.tokens.prepare()
  ctx.ready = true
  return { ready: true, appliedMigrations }
}
