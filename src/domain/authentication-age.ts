/**
 * Whether a sign-in may stand for an authorization request, or the user must authenticate again
 * (OpenID Connect Core 1.0 section 3.1.2.1). All times in epoch seconds.
 *
 * - `authTime`: when the user last authenticated (entered the password and second step, or used a
 *   passkey) in the sign-in at hand.
 * - `requestedAt`: when the authorization request started waiting for a sign-in. A sign-in at or
 *   after it was made for this request, and stands whatever the request asks (else max_age=0 could
 *   never be met: the user needs more than zero seconds to type a password). Whole seconds: a sign-in
 *   in the same second as the request counts as made for it.
 * - `prompt`: the request's space-separated prompt values; `login` demands a new authentication.
 * - `maxAge`: the request's max_age (seconds, as sent: a string or number), or undefined; an
 *   authentication older than that must be repeated.
 */
export function mustAuthenticateAgain(input: { authTime: number; requestedAt: number; now: number; prompt?: unknown; maxAge?: unknown }): boolean {
  if (input.authTime >= input.requestedAt) return false
  if (typeof input.prompt === 'string' && input.prompt.split(' ').includes('login')) return true
  if (input.maxAge === undefined || input.maxAge === null || input.maxAge === '') return false
  const maxAge = Number(input.maxAge)
  // The provider has already refused a max_age that is not a non-negative integer; be strict anyway.
  if (!Number.isFinite(maxAge)) return true
  return input.now - input.authTime > maxAge
}
