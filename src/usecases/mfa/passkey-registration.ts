import { randomUUID } from 'node:crypto'
import { event } from '../../domain/events.js'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import { challengeHash } from '../../infra/mfa/challenge-token.js'
import {
  CEREMONY_TIMEOUT_MS,
  challengeOf,
  registrationOptions,
  verifyRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from '../../infra/mfa/webauthn.js'
import { requireEnrolmentAllowed } from './enrolment-policy.js'
import { relyingParty, transportsOf } from './passkey-common.js'
import type { Principal } from './principal.js'

export interface PasskeySummary {
  id: string
  name: string
  createdAt: number
  lastUsedAt: number | null
  /** Synced between devices (a multi-device passkey) rather than bound to one authenticator. */
  backedUp: boolean
}

/**
 * Creation options (WebAuthn L2 section 5.4) for a new passkey of the caller; their challenge is
 * stored (hashed) for one use within the ceremony's timeout. Existing passkeys are excluded. Throws
 * auth.email_not_verified for an unproven, self-registered address (enrolment-policy.ts).
 */
export async function startPasskeyRegistration(ctx: Context, principal: Principal): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await requireEnrolmentAllowed(ctx, principal.userId)
  const existing = await ctx.passkeys.findPasskeysByUserId(principal.userId)
  const options = await registrationOptions(
    relyingParty(ctx),
    { id: principal.userId, email: principal.email },
    existing.map((row) => ({ credentialId: row.credential_id, transports: transportsOf(row) })),
  )
  const now = ctx.clock.now()
  await ctx.mfa.insertChallenge({
    secret_hash: challengeHash(options.challenge),
    purpose: 'webauthn_registration',
    user_id: principal.userId,
    created_at: now,
    expires_at: now + CEREMONY_TIMEOUT_MS,
  })
  return options
}

/**
 * Verifies the authenticator's answer to a registration challenge of this user (spent whatever the
 * outcome) and stores the credential. Throws passkey.invalid_response when the challenge is unknown,
 * spent, expired or another user's, or the attestation does not verify, or the credential is known;
 * auth.email_not_verified (enrolment-policy.ts).
 */
export async function finishPasskeyRegistration(
  ctx: Context,
  principal: Principal,
  input: { response: RegistrationResponseJSON; name: string; ip?: string },
): Promise<PasskeySummary> {
  await requireEnrolmentAllowed(ctx, principal.userId)
  const challenge = challengeOf(input.response)
  const hash = challenge === undefined ? undefined : challengeHash(challenge)
  const now = ctx.clock.now()
  const live = hash === undefined ? undefined : await ctx.mfa.findLiveChallenge(hash, 'webauthn_registration', now)
  if (!live || live.user_id !== principal.userId || !(await ctx.mfa.spendChallenge(hash!, 'webauthn_registration', now))) {
    throw await refused(ctx, principal, 'unknown_challenge', input.ip, 'The registration challenge is unknown, used or expired: ask for new options')
  }
  let credential
  try {
    credential = await verifyRegistration(relyingParty(ctx), input.response, challenge!)
  } catch (error) {
    throw await refused(ctx, principal, 'invalid_attestation', input.ip, `The passkey could not be verified: ${(error as Error).message}`)
  }
  if (!credential) throw await refused(ctx, principal, 'invalid_attestation', input.ip, 'The passkey could not be verified')

  const row = {
    id: randomUUID(),
    user_id: principal.userId,
    credential_id: credential.credentialId,
    credential_id_hash: challengeHash(credential.credentialId),
    public_key: credential.publicKey,
    sign_count: credential.signCount,
    transports: credential.transports.join(',') || null,
    device_type: credential.deviceType,
    backed_up: credential.backedUp,
    name: input.name,
    created_at: now,
    last_used_at: null,
  }
  try {
    await ctx.transaction(async (tx) => {
      await tx.passkeys.insertPasskey(row)
      const emits = event('passkey.added', { user_id: principal.userId, passkey_id: row.id })
      await tx.audit.insertAuditEvent({ type: 'passkey.registered', userId: principal.userId, sessionId: principal.sessionId, detail: { passkey_id: row.id, ip: input.ip }, emits, actor: `user:${principal.userId}` })
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new HeimdallError('passkey.invalid_response', 'This passkey is already registered')
    throw error
  }
  return { id: row.id, name: row.name, createdAt: now, lastUsedAt: null, backedUp: credential.backedUp }
}

async function refused(ctx: Context, principal: Principal, reason: string, ip: string | undefined, message: string): Promise<HeimdallError> {
  await ctx.audit.insertAuditEvent({ type: 'passkey.registration_failed', userId: principal.userId, sessionId: principal.sessionId, detail: { reason, ip } })
  return new HeimdallError('passkey.invalid_response', message)
}
