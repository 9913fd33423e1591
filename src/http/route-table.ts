/**
 * What each route needs from the middleware around it, in one place: every middleware that treats
 * some paths differently reads this table, never a list of its own. A route not named here gets the
 * defaults (JSON body, contract error shape, request line at info); a POST route must be named, with
 * its budget or why it has none. Pages declare their budget where they are registered (pages.page).
 *
 * Paths are matched exactly (ctx.path): the hot path pays one Map lookup per middleware, no pattern
 * matching. Every other spelling the router routes to a route (another case, a trailing slash) is
 * rewritten to the declared path before any middleware runs (canonical-path.ts), so a rule here
 * holds for all of them.
 */
export interface RouteRules {
  /** A per-IP budget on POST (HEIMDALL_RATE_LIMIT_*): the command endpoints that cost a bcrypt hash or a write. */
  readonly rateLimited?: true
  /**
   * A POST route without a per-IP budget says why here: it checks no credential a client could
   * guess at (a signed token, a session), or must never pay for one (validation). Every POST route
   * has rateLimited or this; app.ts refuses to build otherwise (pages declare theirs in pages.page).
   */
  readonly noBudget?: string
  /** Request lines at debug, not info: the high-volume queries (validation is 99% of the traffic). */
  readonly quietLog?: true
  /**
   * An OAuth endpoint (RFC 6749, RFC 7662): takes a form body (application/x-www-form-urlencoded)
   * instead of JSON, and answers errors in the OAuth shape (RFC 6749 section 5.2).
   */
  readonly oauthForm?: true
}

export const ROUTE_TABLE: ReadonlyMap<string, RouteRules> = new Map<string, RouteRules>([
  ['/auth/register', { rateLimited: true }],
  ['/auth/login', { rateLimited: true }],
  ['/auth/refresh', { rateLimited: true }],
  ['/auth/login/mfa', { rateLimited: true }],
  ['/auth/passkeys/login/options', { rateLimited: true }],
  ['/auth/passkeys/login/verify', { rateLimited: true }],
  ['/auth/validate', { quietLog: true, noBudget: 'a signed token, checked without the database: the hot path, never limited' }],
  ['/auth/logout', { noBudget: 'a signed access token' }],
  ['/auth/logout-all', { noBudget: 'a signed access token' }],
  ['/auth/passkeys/register/options', { noBudget: 'a signed access or enrolment token' }],
  ['/auth/passkeys/register/verify', { noBudget: 'a signed access or enrolment token; the passkey is created, not checked' }],
  // Re-authentication: a password or a code, behind a token that may have been stolen.
  ['/auth/mfa/totp/setup', { rateLimited: true }],
  ['/auth/mfa/totp/confirm', { rateLimited: true }],
  ['/auth/mfa/totp/disable', { rateLimited: true }],
  ['/auth/mfa/recovery-codes', { rateLimited: true }],
  ['/auth/me', { quietLog: true }],
  ['/oauth/introspect', { quietLog: true, oauthForm: true, noBudget: 'the configured introspection token (high entropy); resource servers call it per request' }],
  ['/metrics', { quietLog: true }],
  ['/auth/password/forgot', { rateLimited: true }],
  ['/auth/password/reset', { rateLimited: true }],
  ['/auth/email/verify', { rateLimited: true }],
  ['/auth/email/verify/resend', { rateLimited: true }],
  ['/auth/email/change', { rateLimited: true }],
  ['/auth/email/change/confirm', { rateLimited: true }],
  // Shared Signals (routes/ssf.ts): a client credentials token, looked up by primary key; receivers poll twice a second.
  ['/ssf/stream', { noBudget: 'a client credentials access token (high entropy, issued by the provider\'s rate-limited token endpoint)' }],
  ['/ssf/status', { noBudget: 'a client credentials access token (high entropy)' }],
  ['/ssf/verify', { noBudget: 'a client credentials access token (high entropy)' }],
  ['/ssf/poll/:streamId', { quietLog: true, noBudget: 'a client credentials access token (high entropy); receivers poll it twice a second' }],
])

/** The paths whose rules have `rule` set, for middleware that takes a set. */
export function pathsWith(rule: keyof RouteRules): ReadonlySet<string> {
  return new Set([...ROUTE_TABLE].filter(([, rules]) => rules[rule]).map(([path]) => path))
}

/**
 * The API's areas, by path prefix, routed or not (an unknown /auth/ path too): their answers are
 * never cached (Cache-Control: no-store), and they answer 503 service.not_ready until start-up is done.
 */
export const API_PREFIXES: readonly string[] = ['/auth/', '/oauth/', '/ssf/']
/** The areas that wait for start-up: the API, and the keys it publishes (/.well-known/jwks.json ...). */
export const NEEDS_READY_PREFIXES: readonly string[] = [...API_PREFIXES, '/.well-known/']

export function inArea(path: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (path.startsWith(prefix)) return true
  return false
}
