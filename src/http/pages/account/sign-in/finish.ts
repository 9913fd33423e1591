import type { ParameterizedContext } from 'koa'
import { openAccountSession } from '../../../../usecases/sessions/account-session.js'
import type { LoginResult } from '../../../../usecases/sessions/login.js'
import { ACCOUNT, ENROLMENT } from '../cookie.js'
import { ENROL_PATH } from '../enrol-page.js'
import { takeReturnTo } from '../return-to.js'
import { ACCOUNT_PATH, type AccountDoors } from '../shared.js'
import { spendPendingLink } from './pending-link.js'
import { renderSecondStep } from './views.js'

/**
 * What a sign-in method proved, as the use cases answer it (usecases/sessions/login.ts): session
 * tokens; or, after a first factor, the second step a user with a factor must still take; or the
 * enrolment a user whose role requires a factor (HEIMDALL_MFA_REQUIRED_ROLES) and who has none must make.
 */
export type SignInOutcome = LoginResult

/**
 * The one end of every sign-in method of the hosted pages (password.ts, second-factor.ts,
 * passkey.ts, upstream.ts, and any method to come): the MFA-required rule and the enrolment rule as the use case
 * decided them, else a Heimdall account session in its cookie and a 303 back to where the sign-in
 * was asked for (the OpenID Connect interaction, return-to.ts) or to the account page.
 */
export async function finishSignIn(doors: AccountDoors, ctx: ParameterizedContext, outcome: SignInOutcome): Promise<void> {
  const { pages } = doors
  if (outcome.kind === 'mfa_required') return renderSecondStep(doors, ctx, outcome)
  if (outcome.kind === 'mfa_enrollment_required') {
    // Enrolment only, on its own page (enrol-page.ts), with the token in a cookie as long as it lasts.
    pages.cookies.set(ctx, ENROLMENT, outcome.enrollmentToken, outcome.expiresIn)
    ctx.status = 303
    return ctx.redirect(ENROL_PATH)
  }
  // An upstream identity waiting for this account to be proven (link.ts) is linked before the session starts.
  await spendPendingLink(doors, ctx, outcome.tokens.userId)
  pages.cookies.set(ctx, ACCOUNT, await openAccountSession(pages.contextOf(ctx), outcome.tokens, { userAgent: ctx.get('user-agent'), ip: pages.ipOf(ctx) }))
  ctx.status = 303
  ctx.redirect(takeReturnTo(pages.cookies, ctx) ?? ACCOUNT_PATH)
}
