import type { ParameterizedContext } from 'koa'

/**
 * A cookie of the hosted pages, as declared once: its name, the path it is sent to, its SameSite
 * rule and, for a short-lived one, how long it lives. Every page cookie is HttpOnly: no script of
 * the pages reads one.
 */
export interface PageCookie {
  readonly name: string
  readonly path: '/' | '/account' | '/account/sign-in'
  /** Strict: never sent from another site; Lax: sent on a top-level navigation from elsewhere, never on a cross-site POST. */
  readonly sameSite: 'Strict' | 'Lax'
  /** Max-Age in seconds; none: a browser-session cookie. */
  readonly maxAgeSeconds?: number
}

/** Every Set-Cookie of the pages goes through these, so that each cookie keeps one set of attributes. */
export interface PageCookies {
  /** Sets `cookie` to `value` (already cookie-safe); `maxAgeSeconds` overrides the declared lifetime. */
  set(ctx: ParameterizedContext, cookie: PageCookie, value: string, maxAgeSeconds?: number): void
  /** Tells the browser to forget `cookie` (empty value, Max-Age=0, the same path and attributes). */
  clear(ctx: ParameterizedContext, cookie: PageCookie): void
  /** The value the request carries, undefined when none. */
  get(ctx: ParameterizedContext, cookie: PageCookie): string | undefined
}

/**
 * The cookie writer of the pages. `secure` adds `Secure` (the pages are served over https:
 * HEIMDALL_PUBLIC_URL). Written by hand rather than with koa's cookies, which refuse `Secure` on the
 * plain-HTTP hop behind a TLS proxy.
 */
export function createPageCookies(secure: boolean): PageCookies {
  const line = (cookie: PageCookie, value: string, maxAgeSeconds: number | undefined) =>
    `${cookie.name}=${value}; Path=${cookie.path}${maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`}; HttpOnly; SameSite=${cookie.sameSite}${secure ? '; Secure' : ''}`
  return {
    set(ctx, cookie, value, maxAgeSeconds = cookie.maxAgeSeconds) {
      ctx.append('Set-Cookie', line(cookie, value, maxAgeSeconds))
    },
    clear(ctx, cookie) {
      ctx.append('Set-Cookie', line(cookie, '', 0))
    },
    get(ctx, cookie) {
      return ctx.cookies.get(cookie.name)
    },
  }
}
