import type { ParameterizedContext } from 'koa'
import { createPageCookies, type PageCookie } from '../cookies.js'

/** The account page's own cookie: "<session id>.<secret>" (usecases/sessions/account-session.ts). */
export const ACCOUNT_COOKIE = 'heimdall_account'

/**
 * SameSite=Lax: sent on a top-level navigation from elsewhere, never on a cross-site POST (the forms
 * carry a CSRF token too). A browser session cookie: the server-side session decides how long it is good for.
 */
export const ACCOUNT: PageCookie = { name: ACCOUNT_COOKIE, path: '/', sameSite: 'Lax' }

/** The enrolment-only token of a user whose role requires a second factor, while they enrol one on /account/enrol. */
export const ENROLMENT_COOKIE = 'heimdall_enrolment'

/** Lives as long as the token it carries (set with the token's expiresIn). */
export const ENROLMENT: PageCookie = { name: ENROLMENT_COOKIE, path: '/account', sameSite: 'Lax' }

/** The account cookie this request carries, for code outside the pages (the provider's logout, http/oidc/logout.ts). */
export function accountCookieOf(ctx: ParameterizedContext): string | undefined {
  return ctx.cookies.get(ACCOUNT_COOKIE)
}

/** Forgets the account cookie, for code outside the pages (the provider's logout); `secure` as HEIMDALL_PUBLIC_URL is https. */
export function clearAccountCookie(ctx: ParameterizedContext, secure: boolean): void {
  createPageCookies(secure).clear(ctx, ACCOUNT)
}
