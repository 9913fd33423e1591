/**
 * `acr` values that say the upstream used more than one factor: the OpenID PAPE multi-factor
 * policies, and the bare "mfa" some issuers send.
 */
const MULTI_FACTOR_ACRS = new Set([
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor-physical',
  'mfa',
])

/**
 * Whether an upstream sign-in counts as a second factor here: only when the operator trusts the
 * provider to assert it (trust_mfa), and its ID token says so: `amr` contains "mfa" (RFC 8176) or
 * `acr` is a multi-factor policy. Anything else, and the account's own second factor is asked for.
 */
export function secondFactorSatisfiedUpstream(trustMfa: boolean, amr: readonly string[], acr: string | null): boolean {
  if (!trustMfa) return false
  return amr.includes('mfa') || (acr !== null && MULTI_FACTOR_ACRS.has(acr))
}
