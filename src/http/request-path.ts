/**
 * A request URL's path, without its query string (which may carry codes, tokens or a reset token: it
 * is never logged, and never decides a route).
 */
export function pathOfUrl(url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/**
 * The spelling of a path that every spelling a router takes for it shares: lower case, without one
 * trailing slash ("/" stays). oidc-provider's router matches paths whatever their case and with one
 * trailing slash, as @koa/router does with `sensitive: false, strict: false`; a decision taken on
 * this spelling (a rate limit, a form POST turned into a GET, a prompt added) is taken alike for every
 * spelling that reaches the endpoint. `path` has no query string (pathOfUrl).
 */
export function foldedPath(path: string): string {
  const lower = path.toLowerCase()
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower
}
