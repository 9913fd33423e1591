import type { UserRow } from '../../infra/db/tables.js'
import type { TransactionRepositories } from '../../infra/repositories/transaction.js'
import { event } from '../../domain/events.js'
import { sessionsEnded } from '../events/sessions-ended.js'

/** What a first proof of the mailbox ended; counts, and whether there was an authenticator app. */
export interface EndedAtFirstProof {
  sessions: number
  totp: boolean
  passkeys: number
  recoveryCodes: number
  oidcGrants: number
  oidcConsents: number
  /** Other mailed links still out there (reset, verification, email change). */
  links: number
  /** The names of the identity providers whose linked identities were unlinked. */
  identities: string[]
}

/**
 * Whether a link that works now is the first proof that the account's holder reads its mailbox: the
 * address was never verified, and no operator created the account (who vouches for its holder).
 */
export function isFirstProofOfMailbox(user: Pick<UserRow, 'email_verified_at' | 'created_by_operator'>): boolean {
  return user.email_verified_at === null && !user.created_by_operator
}

/**
 * Pre-account takeover (docs/security.md): until the mailbox is proven, whoever registered the address
 * may not be its owner. So the first proof (a verification or reset link) ends everything set up
 * before it, within the caller's transaction: every session (their refresh tokens and the OIDC grants
 * made in them die with them), the TOTP secret, passkeys, recovery codes and pending MFA challenges,
 * every OIDC grant and remembered consent, every other live mailed link (an email change a squatter
 * started included), and every identity at another provider linked to the account: one the squatter
 * linked from the account page, or the one that made the account with an address its provider is not
 * trusted for (docs/federation.md). The caller records the answer in its audit event and tells the person.
 */
export async function endWhatCameBeforeProof(tx: TransactionRepositories, userId: string, now: number): Promise<EndedAtFirstProof> {
  const sessions = await tx.sessions.updateSessionsRevokedByUserId(userId, 'email_first_proven', now)
  const totp = await tx.mfa.deleteTotpByUserId(userId)
  const passkeys = await tx.passkeys.deletePasskeysByUserId(userId)
  const recoveryCodes = await tx.mfa.deleteRecoveryCodesByUserId(userId)
  await tx.mfa.deleteChallengesByUserId(userId)
  const oidcGrants = await tx.oidcGrants.deleteGrantsByUserId(userId)
  const oidcConsents = await tx.oidcConsents.deleteConsentsByUserId(userId)
  const links = await tx.userTokens.updateUserTokensSuperseded(userId, ['password_reset', 'email_verification', 'email_change'], now)
  const identities = (await tx.userIdentities.findUserIdentitiesByUserId(userId)).map((identity) => identity.provider_name)
  await tx.userIdentities.deleteUserIdentitiesByUserId(userId)
  return { sessions, totp, passkeys, recoveryCodes, oidcGrants, oidcConsents, links, identities }
}

/** The audit trail's spelling of what was ended (snake_case, as every audit detail). */
export function endedDetail(ended: EndedAtFirstProof): Record<string, number | boolean> {
  return {
    sessions: ended.sessions,
    totp: ended.totp,
    passkeys: ended.passkeys,
    recovery_codes: ended.recoveryCodes,
    oidc_grants: ended.oidcGrants,
    oidc_consents: ended.oidcConsents,
    links: ended.links,
    identities: ended.identities.length,
  }
}

/**
 * One sentence for the person, naming what was ended ("" when nothing was), e.g. "Because this link
 * proved the address for the first time, what was set up before it has been ended: 2 sessions, the
 * authenticator app, 1 passkey."
 */
export function endedInWords(ended: EndedAtFirstProof): string {
  const parts = [
    count(ended.sessions, 'session'),
    ended.totp ? 'the authenticator app' : '',
    count(ended.passkeys, 'passkey'),
    count(ended.recoveryCodes, 'recovery code'),
    count(ended.oidcGrants + ended.oidcConsents, 'application access', 'application accesses'),
    count(ended.links, 'other mailed link'),
    count(ended.identities.length, 'account at another identity provider', 'accounts at other identity providers'),
  ].filter((part) => part !== '')
  return parts.length === 0 ? '' : `Because this link proved the address for the first time, what was set up before it has been ended: ${parts.join(', ')}.`
}

function count(n: number, one: string, many = `${one}s`): string {
  return n === 0 ? '' : `${n} ${n === 1 ? one : many}`
}

/**
 * The events of what a first proof ended, within the caller's transaction: session.revoked (reason
 * reset) unless the caller's own count and event cover the sessions, mfa.removed (by system) when
 * factors went, and identity.unlinked for each identity (audited by first_proof).
 */
export async function recordEndedAtFirstProof(tx: TransactionRepositories, userId: string, ended: EndedAtFirstProof, now: number, options: { sessions: boolean }): Promise<void> {
  if (options.sessions && ended.sessions > 0) await tx.audit.insertAuditEvent(sessionsEnded(userId, 'reset', ended.sessions), now)
  if (ended.totp || ended.passkeys > 0) {
    await tx.audit.insertAuditEvent({ type: 'mfa.ended_at_first_proof', userId, detail: { totp: ended.totp, passkeys: ended.passkeys }, emits: event('mfa.removed', { user_id: userId, method: 'all', by: 'system' }) }, now)
  }
  for (const provider of ended.identities) {
    await tx.audit.insertAuditEvent({ type: 'federation.identity_unlinked', userId, detail: { provider, by: 'first_proof' }, emits: event('identity.unlinked', { user_id: userId, provider }) }, now)
  }
}
