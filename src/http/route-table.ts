/**
 * What each route needs from the middleware around it, in one place: every middleware that treats
 * some paths differently reads this table, never a list of its own. A route not named here gets the
 * defaults (JSON body, contract error shape, request line at info, no rate limit).
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
   * Counts POSTs against another route's per-IP budget instead of one of its own: a page that is a
   * second door to the same command shares the API's budget rather than adding to it.
   */
  readonly rateLimitedAs?: string
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
  ['/auth/validate', { quietLog: true }],
  ['/auth/me', { quietLog: true }],
  ['/oauth/introspect', { quietLog: true, oauthForm: true }],
  ['/metrics', { quietLog: true }],
  ['/auth/password/forgot', { rateLimited: true }],
  ['/auth/password/reset', { rateLimited: true }],
  ['/auth/email/verify', { rateLimited: true }],
  ['/auth/email/verify/resend', { rateLimited: true }],
  ['/auth/email/change', { rateLimited: true }],
  ['/auth/email/change/confirm', { rateLimited: true }],
  ['/account/reset-password', { rateLimited: true }],
  ['/account/forgot-password', { rateLimited: true, rateLimitedAs: '/auth/password/forgot' }],
])

/** The paths whose rules have `rule` set, for middleware that takes a set. */
export function pathsWith(rule: keyof RouteRules): ReadonlySet<string> {
  return new Set([...ROUTE_TABLE].filter(([, rules]) => rules[rule]).map(([path]) => path))
}

/**
 * The API's areas, by path prefix, routed or not (an unknown /auth/ path too): their answers are
 * never cached (Cache-Control: no-store), and they answer 503 service.not_ready until start-up is done.
 */
export const API_PREFIXES: readonly string[] = ['/auth/', '/oauth/']
/** The areas that wait for start-up: the API, and the keys it publishes (/.well-known/jwks.json ...). */
export const NEEDS_READY_PREFIXES: readonly string[] = [...API_PREFIXES, '/.well-known/']

export function inArea(path: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (path.startsWith(prefix)) return true
  return false
}
