import type { ParameterizedContext } from 'koa'
import type { PageCookie, PageCookies } from '../cookies.js'

/**
 * Where the sign-in page sends the browser once signed in, when another page sent it there (the
 * OpenID Connect interaction, /account/oidc?uid=...). Kept in a short-lived cookie rather than a
 * query parameter, so that the password and second-step forms stay as they are; only paths under
 * /account/oidc are honoured, so it can never become an open redirect.
 */
const RETURN_TO: PageCookie = { name: 'heimdall_return_to', path: '/account', sameSite: 'Lax', maxAgeSeconds: 3600 }
const ALLOWED = /^\/account\/oidc\?uid=[\w-]{1,100}$/

/** Remembers `path` (an /account/oidc?uid=... address; anything else throws, a programming error). */
export function setReturnTo(cookies: PageCookies, ctx: ParameterizedContext, path: string): void {
  if (!ALLOWED.test(path)) throw new Error(`not a return path: ${path}`)
  cookies.set(ctx, RETURN_TO, encodeURIComponent(path))
}

/** The pending return path (and forgets it), or undefined: also when the cookie is not one Heimdall wrote. */
export function takeReturnTo(cookies: PageCookies, ctx: ParameterizedContext): string | undefined {
  const raw = cookies.get(ctx, RETURN_TO)
  if (raw === undefined) return undefined
  cookies.clear(ctx, RETURN_TO)
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    // Malformed percent-encoding (URIError): the browser's value, not ours.
    return undefined
  }
  return ALLOWED.test(path) ? path : undefined
}

/** The pending return path without forgetting it (a sign-in that leaves for another site and comes back), or undefined. */
export function peekReturnTo(cookies: PageCookies, ctx: ParameterizedContext): string | undefined {
  const raw = cookies.get(ctx, RETURN_TO)
  try {
    const path = raw === undefined ? undefined : decodeURIComponent(raw)
    return path !== undefined && ALLOWED.test(path) ? path : undefined
  } catch {
    return undefined
  }
}

/** Whether `path` is a return path Heimdall honours (an /account/oidc?uid=... address). */
export function isReturnPath(path: string | null | undefined): path is string {
  return typeof path === 'string' && ALLOWED.test(path)
}
