import test from 'ava'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

// Every use case that changes state records its event (issue 24, docs/events.md): this walks every
// file of src/usecases/ and fails for one that writes through a repository (insert, update, upsert,
// delete, replace, rotate) without an `emits:` event, unless it is listed below with the reason its
// writes are no change another system needs to hear of. A new use case that changes state without
// its event fails here until it emits one or is listed, with its reason, for a reviewer to judge.

const USECASES = fileURLToPath(new URL('../../../src/usecases/', import.meta.url))
const WRITE = /\b(?:ctx|tx)\.(?!audit\b)\w+\.(?:insert|update|upsert|delete|replace|rotate)\w*\(/g

const NOT_IN_THE_CATALOGUE: Record<string, string> = {
  'data-keys/stored-secrets.ts': 'reseals secrets under another data key: the same values, no change of state',
  'federation/begin-upstream-sign-in.ts': 'a sign-in in flight (state, nonce): bookkeeping of a flow, its outcome is the event',
  'federation/create-provider.ts': 'identity-provider configuration: an audit entry (idp.created), not in the catalogue',
  'federation/set-provider-enabled.ts': 'identity-provider configuration: an audit entry, not in the catalogue',
  'oidc/rotate-client-secret.ts': 'a client credential: an audit entry (client.secret_rotated), not in the catalogue',
  'mail/retry-mail.ts': 'the outbox: an audit entry (mail.retry_requested)',
  'mfa/passkey-assertion.ts': 'challenges and a passkey\'s last use: bookkeeping of a sign-in, whose session is the event',
  'mfa/complete-mfa-login.ts': 'the TOTP step or recovery code used: bookkeeping of a sign-in, whose session is the event',
  'mfa/second-step.ts': 'a second-step challenge: bookkeeping of a sign-in',
  'mfa/recovery-codes.ts': 'new recovery codes: an audit entry (mfa.recovery_codes.replaced); the factor itself did not change',
  'mfa/factors.ts': 'drops recovery codes left without a factor, after the caller\'s mfa.removed / passkey.removed',
  'sessions/account-session.ts': 'the account page\'s cookie binding of a session',
  'sessions/login.ts': 'a password hash upgraded to the current cost on login: the same password',
  'throttling/lockout.ts': 'login throttles: an audit entry (login.locked)',
  'recovery/link-mails.ts': 'a link and its mail queued inside the caller\'s transaction, which records the event',
  'recovery/first-proof.ts': 'what ends when a mailbox is first proven, inside the caller\'s transaction (password.reset, user.updated)',
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []))
}

test('every use case that writes through a repository records an event (emits:), or is listed with the reason it needs none', (t) => {
  const silent: string[] = []
  for (const file of files(USECASES)) {
    const name = relative(USECASES, file)
    const source = readFileSync(file, 'utf8')
    const writes = source.match(WRITE) ?? []
    if (writes.length === 0 || source.includes('emits') || name in NOT_IN_THE_CATALOGUE) continue
    silent.push(`${name}: ${[...new Set(writes)].join(' ')}`)
  }
  t.deepEqual(silent, [], 'use cases that change state without their event')
})

test('the list of use cases without events names only files that exist and still write', (t) => {
  for (const name of Object.keys(NOT_IN_THE_CATALOGUE)) {
    const source = readFileSync(join(USECASES, name), 'utf8')
    t.true((source.match(WRITE) ?? []).length > 0, `${name} no longer writes: drop it from the list`)
  }
})
