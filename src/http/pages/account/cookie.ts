import type { ParameterizedContext } from 'koa'

/** The account page's own cookie: "<session id>.<secret>" (usecases/sessions/account-session.ts). */
export const ACCOUNT_COOKIE = 'heimdall_account'

/**
 * HttpOnly (no script reads it), SameSite=Lax (sent on a top-level navigation from elsewhere, never on
 * a cross-site POST; the forms carry a CSRF token too), Secure when the public URL is https. A browser
 * session cookie: the server-side session decides how long it is good for.
 */
export function setAccountCookie(ctx: ParameterizedContext, value: string, secure: boolean): void {
  // Written by hand: koa's cookies refuse `Secure` on the plain-HTTP hop behind a TLS proxy.
  ctx.append('Set-Cookie', `${ACCOUNT_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
}

export function clearAccountCookie(ctx: ParameterizedContext, secure: boolean): void {
  ctx.append('Set-Cookie', `${ACCOUNT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
}

export function accountCookieOf(ctx: ParameterizedContext): string | undefined {
  return ctx.cookies.get(ACCOUNT_COOKIE)
}

/** The enrolment-only token of a user whose role requires a second factor, while they enrol one on /account/enrol. */
export const ENROLMENT_COOKIE = 'heimdall_enrolment'

export function setEnrolmentCookie(ctx: ParameterizedContext, token: string, maxAgeSeconds: number, secure: boolean): void {
  ctx.append('Set-Cookie', `${ENROLMENT_COOKIE}=${token}; Path=/account; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
}

export function clearEnrolmentCookie(ctx: ParameterizedContext, secure: boolean): void {
  ctx.append('Set-Cookie', `${ENROLMENT_COOKIE}=; Path=/account; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
}
