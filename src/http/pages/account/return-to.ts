import type { ParameterizedContext } from 'koa'

/**
 * Where the sign-in page sends the browser once signed in, when another page sent it there (the
 * OpenID Connect interaction, /account/oidc?uid=...). Kept in a short-lived cookie rather than a
 * query parameter, so that the password and second-step forms stay as they are; only paths under
 * /account/oidc are honoured, so it can never become an open redirect.
 */
const RETURN_TO_COOKIE = 'heimdall_return_to'
const ALLOWED = /^\/account\/oidc\?uid=[\w-]{1,100}$/
const MAX_AGE_SECONDS = 3600

export function setReturnTo(ctx: ParameterizedContext, path: string, secure: boolean): void {
  if (!ALLOWED.test(path)) throw new Error(`not a return path: ${path}`)
  ctx.append('Set-Cookie', `${RETURN_TO_COOKIE}=${encodeURIComponent(path)}; Path=/account; Max-Age=${MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
}

/** The pending return path (and forgets it), or undefined: also when the cookie is not one Heimdall wrote. */
export function takeReturnTo(ctx: ParameterizedContext, secure: boolean): string | undefined {
  const raw = ctx.cookies.get(RETURN_TO_COOKIE)
  if (raw === undefined) return undefined
  ctx.append('Set-Cookie', `${RETURN_TO_COOKIE}=; Path=/account; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    // Malformed percent-encoding (URIError): the browser's value, not ours.
    return undefined
  }
  return ALLOWED.test(path) ? path : undefined
}
