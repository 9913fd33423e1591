import { createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto'
import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../errors.js'
import type { PageCookie, PageCookies } from './cookies.js'

export const CSRF_COOKIE = 'heimdall_csrf'
export const CSRF_FIELD = 'csrf_token'
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/
const CSRF: PageCookie = { name: CSRF_COOKIE, path: '/', sameSite: 'Strict' }

/**
 * Cross-site request forgery protection for page forms: the signed double-submit cookie of the OWASP
 * CSRF cheat sheet. The browser holds a random value in an HttpOnly, SameSite=Strict cookie; each
 * form carries HMAC-SHA256(key, binding, cookie value) in a hidden field. A forged request from
 * another site cannot read the cookie to compute the field, and a cookie planted by a sibling
 * domain does not help without the key. `binding` ties a token to something of the page's own (a
 * session id on account pages), so one signed-in user's form cannot be replayed into another's.
 */
export interface Csrf {
  /** The field value for a form in this response; sets the cookie first when the request had none. */
  issue(ctx: ParameterizedContext, binding?: string): string
  /** Throws HeimdallError request.csrf_failed (403) unless `posted` was issued for this cookie and binding. */
  verify(ctx: ParameterizedContext, posted: string, binding?: string): void
}

export interface CsrfOptions {
  /** The HMAC key, read on first use (Context.derivedKey('csrf')). */
  key: () => KeyObject
  /** The pages' cookie writer (Secure when the pages are served over https). */
  cookies: PageCookies
}

export function createCsrf(options: CsrfOptions): Csrf {
  const sign = (cookie: string, binding: string) =>
    createHmac('sha256', options.key()).update(`${binding.length}:${binding}:${cookie}`).digest('base64url')

  /** The cookie this request carries, or the one this response just set (a form rendered after issue()). */
  const cookieOf = (ctx: ParameterizedContext) => (ctx.state as { csrfCookie?: string }).csrfCookie ?? requestCookie(ctx)
  const requestCookie = (ctx: ParameterizedContext) => {
    const value = options.cookies.get(ctx, CSRF)
    return value !== undefined && COOKIE_VALUE.test(value) ? value : undefined
  }

  return {
    issue(ctx, binding = '') {
      let cookie = cookieOf(ctx)
      if (cookie === undefined) {
        cookie = randomBytes(32).toString('base64url')
        options.cookies.set(ctx, CSRF, cookie)
        ;(ctx.state as { csrfCookie?: string }).csrfCookie = cookie
      }
      return sign(cookie, binding)
    },
    verify(ctx, posted, binding = '') {
      const cookie = requestCookie(ctx)
      const expected = cookie === undefined ? undefined : Buffer.from(sign(cookie, binding))
      const given = Buffer.from(posted)
      if (expected === undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HeimdallError('request.csrf_failed', 'This form has expired or was not sent from this site: reload the page and submit it again')
      }
    },
  }
}
