import type { Context } from '../../context.js'
import { normalizeEmail } from '../../domain/email.js'
import { HeimdallError } from '../../errors.js'
import type { PasskeyRow } from '../../infra/db/tables.js'
import { challengeHash } from '../../infra/mfa/challenge-token.js'
import {
  authenticationOptions,
  CEREMONY_TIMEOUT_MS,
  challengeOf,
  verifyAssertion,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '../../infra/mfa/webauthn.js'
import { relyingParty, transportsOf } from './passkey-common.js'
import { MFA_LOGIN_PURPOSES } from './second-step.js'

const PURPOSE = 'webauthn_authentication'
/** A challenge for the second step of one sign-in: stored under a key that also binds its mfa_token. */
const SECOND_STEP_PURPOSE = 'webauthn_second_step'

/** Where a challenge is stored: alone for a passwordless login, with its mfa_token's hash for a second step. */
function challengeKey(challenge: string, mfaTokenHash: string | undefined): string {
  return mfaTokenHash === undefined ? challengeHash(challenge) : challengeHash(`${challenge}.${mfaTokenHash}`)
}

/**
 * Request options (WebAuthn L2 section 5.5) for logging in with a passkey. Given a user (by email, or
 * by the mfa_token of a login's second step), only that user's credentials are allowed; otherwise
 * none are listed and the authenticator offers its discoverable credentials. The challenge is stored
 * (hashed) for one use within the ceremony's timeout; one asked for with an mfa_token serves only
 * that token's second step. Throws mfa.invalid_token for an unknown, spent or expired mfa_token.
 */
export async function startPasskeyAuthentication(ctx: Context, input: { email?: string; mfaToken?: string }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const userId = await userOf(ctx, input)
  const passkeys = userId === undefined ? [] : await ctx.passkeys.findPasskeysByUserId(userId)
  const allow = passkeys.length === 0 ? undefined : passkeys.map((row) => ({ credentialId: row.credential_id, transports: transportsOf(row) }))
  const options = await authenticationOptions(relyingParty(ctx), allow)
  const now = ctx.clock.now()
  const mfaTokenHash = input.mfaToken === undefined ? undefined : challengeHash(input.mfaToken)
  // Bound to a user only when its credentials were listed: an unknown email gets the same answer as none.
  await ctx.mfa.insertChallenge({
    secret_hash: challengeKey(options.challenge, mfaTokenHash),
    purpose: mfaTokenHash === undefined ? PURPOSE : SECOND_STEP_PURPOSE,
    user_id: allow ? userId! : null,
    created_at: now,
    expires_at: now + CEREMONY_TIMEOUT_MS,
  })
  return options
}

async function userOf(ctx: Context, input: { email?: string; mfaToken?: string }): Promise<string | undefined> {
  if (input.mfaToken !== undefined) {
    const challenge = await ctx.mfa.findLiveChallenge(challengeHash(input.mfaToken), MFA_LOGIN_PURPOSES, ctx.clock.now())
    if (!challenge?.user_id) throw new HeimdallError('mfa.invalid_token', 'The mfa_token is invalid, used or expired: log in with the password again')
    return challenge.user_id
  }
  return input.email === undefined ? undefined : (await ctx.users.findUserByEmail(normalizeEmail(input.email)))?.id
}

export interface PasskeyAssertion {
  passkey: PasskeyRow
  userVerified: boolean
  backedUp: boolean
}

/**
 * Verifies an assertion against a challenge from startPasskeyAuthentication (spent whatever the
 * outcome) and the stored credential, and moves its signature counter forward. A counter that did not
 * advance means a cloned authenticator (WebAuthn L2 section 6.1.1): refused and audited as
 * passkey.clone_detected. With `userId`, the credential must be that user's. With `mfaTokenHash` (the
 * second step of a sign-in), the challenge must have been issued for that very mfa_token; without it,
 * for a passwordless login: neither kind is accepted for the other. Answers undefined when the
 * assertion is refused (and audits why); throws nothing for bad input but validation errors.
 */
export async function verifyPasskeyAssertion(
  ctx: Context,
  response: AuthenticationResponseJSON,
  input: { userId?: string; ip?: string; mfaTokenHash?: string },
): Promise<PasskeyAssertion | undefined> {
  const challenge = challengeOf(response)
  const key = challenge === undefined ? undefined : challengeKey(challenge, input.mfaTokenHash)
  const purpose = input.mfaTokenHash === undefined ? PURPOSE : SECOND_STEP_PURPOSE
  const now = ctx.clock.now()
  const live = key === undefined ? undefined : await ctx.mfa.findLiveChallenge(key, purpose, now)
  if (!live || !(await ctx.mfa.spendChallenge(key!, purpose, now))) return failed(ctx, input.userId ?? null, 'unknown_challenge', input.ip)

  const passkey = typeof response.id === 'string' ? await ctx.passkeys.findPasskeyByCredentialIdHash(challengeHash(response.id)) : undefined
  const owner = passkey?.user_id ?? null
  if (!passkey || (input.userId !== undefined && passkey.user_id !== input.userId) || (live.user_id !== null && live.user_id !== passkey.user_id)) {
    return failed(ctx, input.userId ?? owner, 'unknown_credential', input.ip)
  }
  let verified
  try {
    verified = await verifyAssertion(relyingParty(ctx), response, challenge!, { credentialId: passkey.credential_id, publicKey: passkey.public_key, transports: transportsOf(passkey) })
  } catch (error) {
    return failed(ctx, owner, 'invalid_assertion', input.ip, (error as Error).message)
  }
  if (!verified) return failed(ctx, owner, 'invalid_signature', input.ip)

  const stored = Number(passkey.sign_count)
  const counterStuck = (verified.newSignCount !== 0 || stored !== 0) && verified.newSignCount <= stored
  if (counterStuck || !(await ctx.passkeys.updatePasskeyUsed(passkey.id, stored, verified.newSignCount, now))) {
    await ctx.audit.insertAuditEvent({
      type: 'passkey.clone_detected',
      userId: owner,
      detail: { passkey_id: passkey.id, stored_sign_count: stored, presented_sign_count: verified.newSignCount, ip: input.ip },
    })
    return undefined
  }
  return { passkey, userVerified: verified.userVerified, backedUp: verified.backedUp }
}

async function failed(ctx: Context, userId: string | null, reason: string, ip: string | undefined, message?: string): Promise<undefined> {
  await ctx.audit.insertAuditEvent({ type: 'passkey.assertion_failed', userId, detail: { reason, ip, ...(message ? { message: message.slice(0, 200) } : {}) } })
  return undefined
}

/** Thrown by the doors' callers when an assertion is refused: one message, whatever the reason (the audit log has it). */
export function assertionRefused(): HeimdallError {
  return new HeimdallError('passkey.invalid_response', 'The passkey assertion was refused: ask for new options and try again')
}
