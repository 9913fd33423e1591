import { parseAmr } from './amr.js'

/**
 * HEIMDALL_MFA_REQUIRED_ROLES, held on the amr (RFC 8176) of a sign-in: a session counts as
 * multi-factor only when its amr carries "mfa" (password + second factor, or a passkey whose
 * authenticator verified the user). A passkey without user verification ("hwk"/"swk" alone) or a
 * password alone is one factor.
 */
export function isMultiFactor(amr: readonly string[]): boolean {
  return amr.includes('mfa')
}

/**
 * The roles whose permissions a session does not carry: every role of `requiredRoles` when the
 * session's sign-in was one factor, none when it was multi-factor. `storedAmr` is the session's
 * space-separated amr column; null means a session opened without a sign-in (an operator's
 * `token:issue`), which the rule does not govern: the operator vouches for it.
 */
export function rolesWithheldFrom(storedAmr: string | null | undefined, requiredRoles: readonly string[]): readonly string[] {
  if (requiredRoles.length === 0 || storedAmr === null || storedAmr === undefined) return NONE
  return isMultiFactor(parseAmr(storedAmr)) ? NONE : requiredRoles
}

/** Whether a user holding `roles` must sign in with two factors. */
export function requiresMultiFactor(roles: readonly string[], requiredRoles: readonly string[]): boolean {
  return roles.some((role) => requiredRoles.includes(role))
}

const NONE: readonly string[] = Object.freeze([])
