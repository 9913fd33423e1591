import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { assertStrongSecret, type Config } from '../../config.js'
import { HeimdallError } from '../../errors.js'
import { databaseProductName, isEmbeddedDatabase } from '../db/dialect.js'

export interface ResolvedSecret {
  secret: string
  /** Where it came from, for the start-up message: never the secret itself. */
  source: string
}

/**
 * The configured secret, or on the embedded SQLite default one generated once and kept in a file
 * (mode 0600, outside the repository). MySQL and PostgreSQL deployments may run many instances, which must share
 * one secret, so there it has to be configured.
 */
export function resolveJwtSecret(config: Config): ResolvedSecret {
  if (config.jwtSecret !== undefined) return { secret: config.jwtSecret, source: 'HEIMDALL_JWT_SECRET' }
  if (!isEmbeddedDatabase(config.databaseType)) {
    throw new HeimdallError('config.invalid', `HEIMDALL_JWT_SECRET is required with ${databaseProductName(config.databaseType)} (every instance must share it); use at least 32 bytes`)
  }
  const path = resolve(config.secretFile)
  const existing = readSecretFile(path)
  if (existing !== undefined) {
    assertStrongSecret(existing, path)
    return { secret: existing, source: path }
  }
  const generated = randomBytes(48).toString('base64url')
  mkdirSync(dirname(path), { recursive: true })
  try {
    writeFileSync(path, `${generated}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    // Another process created it first: use theirs so both sign with the same key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveJwtSecret(config)
    throw error
  }
  return { secret: generated, source: `${path} (generated)` }
}

/** The configured or already generated secret, WITHOUT generating one; undefined when there is none yet. */
export function existingJwtSecret(config: Config): string | undefined {
  if (config.jwtSecret !== undefined) return config.jwtSecret
  return isEmbeddedDatabase(config.databaseType) ? readSecretFile(resolve(config.secretFile)) : undefined
}

function readSecretFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

export type SecretDescription =
  | { kind: 'configured'; source: 'HEIMDALL_JWT_SECRET'; bytes: number }
  | { kind: 'generated'; path: string; bytes: number }
  | { kind: 'not_generated_yet'; path: string }
  | { kind: 'missing' }

/** Where the signing secret comes from and how long it is, WITHOUT generating one or revealing it. */
export function describeJwtSecret(config: Config): SecretDescription {
  if (config.jwtSecret !== undefined) return { kind: 'configured', source: 'HEIMDALL_JWT_SECRET', bytes: Buffer.byteLength(config.jwtSecret, 'utf8') }
  if (!isEmbeddedDatabase(config.databaseType)) return { kind: 'missing' }
  const path = resolve(config.secretFile)
  const existing = readSecretFile(path)
  return existing === undefined ? { kind: 'not_generated_yet', path } : { kind: 'generated', path, bytes: Buffer.byteLength(existing, 'utf8') }
}
