import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { createDataKeyring, describeDataKeys, type DataKeysDescription } from '../../infra/data-keys/key-source.js'
import { databaseProductName } from '../../infra/db/dialect.js'
import { createLegacyOpener } from '../../infra/data-keys/legacy-jwt-secret.js'
import { createSecretBox } from '../../infra/data-keys/secret-box.js'
import { existingJwtSecret } from '../../infra/tokens/secret-file.js'
import { listStoredSecrets } from './stored-secrets.js'

export interface DataKeyCheck {
  name: 'data_key'
  status: 'ok' | 'fail'
  detail: string
  fix?: string
}

const KEYS_FIX = 'set HEIMDALL_DATA_KEY_FILE to a file every instance shares (generated there if missing), or HEIMDALL_DATA_KEYS (docs/security.md)'

/**
 * The data keys are present, private and open every secret stored at rest. `databaseReady`: the
 * schema is up to date, so the stored secrets can be read; otherwise only the keys are looked at.
 * Generates nothing (neither a key file nor a JWT secret file).
 */
export async function checkDataKey(ctx: Context, databaseReady: boolean): Promise<DataKeyCheck> {
  const keys = describeDataKeys(ctx.config)
  const problem = keysProblem(keys, databaseProductName(ctx.config.databaseType))
  if (problem) return problem
  const where = keys.kind === 'configured' ? keys.source : keys.kind === 'file' || keys.kind === 'not_generated_yet' ? keys.path : ''
  const ring = keys.kind === 'configured' || keys.kind === 'file' ? `${keys.ids.length} key(s) in ${where}, sealing with ${keys.ids[0]}` : `none yet: generated in ${where} on first use`
  if (!databaseReady) return { name: 'data_key', status: 'ok', detail: `${ring}; stored secrets not checked (the database is not ready)` }

  const box = createSecretBox({ keyring: createDataKeyring(ctx.config, { generate: false }), legacy: createLegacyOpener(() => legacySecret(ctx)) })
  const current = keys.kind === 'configured' || keys.kind === 'file' ? keys.ids[0] : undefined
  const secrets = await listStoredSecrets(ctx)
  const unreadable: string[] = []
  let firstProblem = ''
  let notCurrent = 0
  for (const secret of secrets) {
    if (box.sealedUnder(secret.sealed) !== current) notCurrent += 1
    try {
      ;(await box.openBytes(secret.sealed, secret.associatedData)).fill(0)
    } catch (error) {
      if (!(error instanceof HeimdallError)) throw error
      unreadable.push(`${secret.kind} ${secret.owner}`)
      firstProblem ||= error.message
    }
  }
  if (unreadable.length > 0) {
    return {
      name: 'data_key',
      status: 'fail',
      detail: `${unreadable.length} of ${secrets.length} secret(s) at rest do not open (${unreadable.slice(0, 5).join(', ')}${unreadable.length > 5 ? ', ...' : ''}): ${firstProblem}`,
      fix: 'restore the data key (or JWT secret) they were sealed with, then run "heimdall data-key:rotate --reencrypt-only"',
    }
  }
  const older = notCurrent > 0 ? `, ${notCurrent} under an older key or the JWT secret (run "heimdall data-key:rotate --reencrypt-only")` : ''
  return { name: 'data_key', status: 'ok', detail: `${ring}; ${secrets.length} secret(s) at rest open${older}` }
}

function keysProblem(keys: DataKeysDescription, database: string): DataKeyCheck | undefined {
  switch (keys.kind) {
    case 'invalid':
      return { name: 'data_key', status: 'fail', detail: `${keys.source} ${keys.problem}`, fix: `correct it, or restore it from the backup: ${KEYS_FIX}` }
    case 'missing':
      return { name: 'data_key', status: 'fail', detail: `not set, and ${database} deployments must share their data keys (looked for ${keys.path})`, fix: KEYS_FIX }
    case 'file':
      if ((keys.mode & 0o077) !== 0) {
        return { name: 'data_key', status: 'fail', detail: `${keys.path} is readable by others (mode ${keys.mode.toString(8)})`, fix: `chmod 600 ${keys.path}` }
      }
      return undefined
    default:
      return undefined
  }
}

/** The JWT secret for values older releases sealed under it, without generating one. */
function legacySecret(ctx: Context): string {
  const secret = existingJwtSecret(ctx.config)
  if (secret === undefined) throw new HeimdallError('config.invalid', 'A secret was sealed under the JWT secret by an older release, and no JWT secret is set')
  return secret
}
