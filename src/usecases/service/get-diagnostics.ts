import type { Context } from '../../context.js'
import { MIN_BCRYPT_COST, MIN_SECRET_BYTES } from '../../config.js'
import { passkeyUrlProblem } from '../../domain/passkey-origin.js'
import { databaseProductName } from '../../infra/db/dialect.js'
import { migrationStatus } from '../../infra/db/migrate.js'
import { databaseClockSeconds, missingSqliteFile, pingDatabase } from '../../infra/db/probe.js'
import { describeJwtSecret } from '../../infra/tokens/secret-file.js'
import { translateError } from '../translate-error.js'
import { checkDataKey } from '../data-keys/check-data-key.js'

export interface DiagnosticCheck {
  name: 'database' | 'migrations' | 'jwt_secret' | 'data_key' | 'bcrypt_cost' | 'clock' | 'public_url'
  /** warn: works, but a feature will not (the exit status stays 0). */
  status: 'ok' | 'fail' | 'skip' | 'warn'
  detail: string
  /** What to do about a failure. */
  fix?: string
}

const DATABASE_TIMEOUT_MS = 5000
const MAX_CLOCK_SKEW_SECONDS = 5
const SECRET_FIX = `set HEIMDALL_JWT_SECRET to a random value of at least ${MIN_SECRET_BYTES} bytes, e.g. $(openssl rand -base64 48)`

/** Checks an installation one thing at a time, yielding each result as soon as it is known. */
export async function* getDiagnostics(ctx: Context): AsyncGenerator<DiagnosticCheck> {
  const database = await checkDatabase(ctx)
  yield database
  const reachable = database.status === 'ok'
  const migrations = reachable ? await failOnError('migrations', checkMigrations(ctx)) : skipped('migrations', 'the database is not reachable')
  yield migrations
  yield checkSecret(ctx)
  yield await failOnError('data_key', checkDataKey(ctx, migrations.status === 'ok'))
  yield checkBcryptCost(ctx)
  yield reachable ? await failOnError('clock', checkClock(ctx)) : skipped('clock', 'the database is not reachable')
  yield checkPublicUrl(ctx)
}

async function failOnError(name: DiagnosticCheck['name'], check: Promise<DiagnosticCheck>): Promise<DiagnosticCheck> {
  try {
    return await check
  } catch (error) {
    return { name, status: 'fail', detail: translateError(error)?.message ?? (error as Error).message }
  }
}

async function checkDatabase(ctx: Context): Promise<DiagnosticCheck> {
  const missing = missingSqliteFile(ctx.config.databaseUrl, ctx.config.databaseType)
  if (missing) return { name: 'database', status: 'fail', detail: `${missing} does not exist`, fix: 'run "heimdall migrate" to create it, or point --database-url at the right file' }
  try {
    const ms = await pingDatabase(ctx.db, DATABASE_TIMEOUT_MS)
    return { name: 'database', status: 'ok', detail: `${ctx.config.databaseType} answered in ${ms.toFixed(1)} ms` }
  } catch (error) {
    const reason = translateError(error)?.message ?? (error as Error).message
    return { name: 'database', status: 'fail', detail: reason, fix: 'check --database-url (or HEIMDALL_DATABASE_URL), the credentials and that the database server is running' }
  }
}

async function checkMigrations(ctx: Context): Promise<DiagnosticCheck> {
  const { applied, pending } = await migrationStatus(ctx.db)
  if (pending.length > 0) {
    return { name: 'migrations', status: 'fail', detail: `${pending.length} pending: ${pending.join(', ')}`, fix: 'run "heimdall migrate"' }
  }
  return { name: 'migrations', status: 'ok', detail: `${applied.length} applied, none pending` }
}

function checkSecret(ctx: Context): DiagnosticCheck {
  const secret = describeJwtSecret(ctx.config)
  switch (secret.kind) {
    case 'configured':
    case 'generated': {
      const where = secret.kind === 'configured' ? secret.source : secret.path
      if (secret.bytes >= MIN_SECRET_BYTES) return { name: 'jwt_secret', status: 'ok', detail: `${secret.bytes} bytes, from ${where}` }
      const fix = secret.kind === 'generated' ? `delete ${secret.path} to have a strong one generated, or ${SECRET_FIX}` : SECRET_FIX
      return { name: 'jwt_secret', status: 'fail', detail: `${secret.bytes} bytes in ${where}, at least ${MIN_SECRET_BYTES} are required`, fix }
    }
    case 'not_generated_yet':
      return { name: 'jwt_secret', status: 'ok', detail: `not set: one will be generated and stored in ${secret.path} on first use` }
    case 'missing':
      return { name: 'jwt_secret', status: 'fail', detail: `not set, and ${databaseProductName(ctx.config.databaseType)} deployments must share a configured one`, fix: SECRET_FIX }
  }
}

function checkBcryptCost(ctx: Context): DiagnosticCheck {
  const cost = ctx.config.bcryptCost
  return cost >= MIN_BCRYPT_COST
    ? { name: 'bcrypt_cost', status: 'ok', detail: `${cost}` }
    : { name: 'bcrypt_cost', status: 'fail', detail: `${cost}, at least ${MIN_BCRYPT_COST} is required`, fix: `set HEIMDALL_BCRYPT_COST to ${MIN_BCRYPT_COST} or more` }
}

async function checkClock(ctx: Context): Promise<DiagnosticCheck> {
  const before = Date.now()
  const databaseNow = await databaseClockSeconds(ctx.db, ctx.config.databaseType)
  if (databaseNow === undefined) return skipped('clock', 'SQLite uses this host\'s clock')
  // Compare with the middle of the round trip, so a slow answer is not mistaken for skew.
  const skew = databaseNow - (before + Date.now()) / 2000
  const detail = `the database clock is ${Math.abs(skew).toFixed(1)} s ${skew >= 0 ? 'ahead of' : 'behind'} this host's`
  return Math.abs(skew) <= MAX_CLOCK_SKEW_SECONDS
    ? { name: 'clock', status: 'ok', detail }
    : { name: 'clock', status: 'fail', detail, fix: 'synchronise both clocks (NTP): token expiry, sessions and lockouts rely on them' }
}

/** Mail links work at any public URL; passkeys only at a host name in a secure context. */
function checkPublicUrl(ctx: Context): DiagnosticCheck {
  const publicUrl = ctx.config.publicUrl
  const problem = passkeyUrlProblem(publicUrl)
  if (problem === undefined) return { name: 'public_url', status: 'ok', detail: `${publicUrl}: mailed links point here, passkeys work` }
  return { name: 'public_url', status: 'warn', detail: `passkeys will fail: ${problem}`, fix: 'set HEIMDALL_PUBLIC_URL to the https address people use, or leave it unset on one machine (http://localhost:PORT)' }
}

function skipped(name: DiagnosticCheck['name'], why: string): DiagnosticCheck {
  return { name, status: 'skip', detail: why }
}
