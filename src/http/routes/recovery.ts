import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { confirmEmailChange, requestEmailChange } from '../../usecases/recovery/change-email.js'
import { endedDetail, endedInWords, type EndedAtFirstProof } from '../../usecases/recovery/first-proof.js'
import { resetPassword } from '../../usecases/recovery/reset-password.js'
import { resendVerification, verifyEmail } from '../../usecases/recovery/verify-email.js'
import { bearerToken } from '../bearer-token.js'
import { clientIp } from '../client-ip.js'
import { inBody, parseInput } from '../parse-input.js'
import { FORGOT_MESSAGE, requestPasswordResetAfterAnswer } from '../password-reset-request.js'
import { requestContexts } from '../request-context.js'
import { EmailChangeRequest, EmailTokenRequest, ForgotPasswordRequest, ResetPasswordRequest } from '../schemas.js'

/** Password reset, email verification and email change (issue 15): every path answers JSON. */
export function recoveryRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  const ipOf = (ctx: Parameters<typeof clientIp>[0]) => clientIp(ctx, context.config.trustedProxies)

  router.post('/auth/password/forgot', (ctx) => {
    const { email } = parseInput(ForgotPasswordRequest, ctx.request.body)
    requestPasswordResetAfterAnswer(ctx.res, contextOf(ctx), { email, ip: ipOf(ctx) })
    ctx.status = 202
    ctx.body = { message: FORGOT_MESSAGE }
  })

  router.post('/auth/password/reset', async (ctx) => {
    const input = parseInput(ResetPasswordRequest, ctx.request.body)
    const { endedAtFirstProof } = await resetPassword(contextOf(ctx), { token: input.token, newPassword: input.new_password, ip: ipOf(ctx) }).catch(inBody)
    ctx.body = { message: 'Password has been reset: every session was signed out; log in with the new password', ...endedBody(endedAtFirstProof) }
  })

  router.post('/auth/email/verify', async (ctx) => {
    const { token } = parseInput(EmailTokenRequest, ctx.request.body)
    const { email, endedAtFirstProof } = await verifyEmail(contextOf(ctx), { token })
    ctx.body = { message: 'Email address verified', email, ...endedBody(endedAtFirstProof) }
  })

  router.post('/auth/email/verify/resend', async (ctx) => {
    const { queued } = await resendVerification(contextOf(ctx), { accessToken: bearerToken(ctx.get('authorization')) })
    ctx.status = 202
    ctx.body = { message: queued ? 'A new verification link has been sent' : 'Your email address is already verified' }
  })

  router.post('/auth/email/change', async (ctx) => {
    const input = parseInput(EmailChangeRequest, ctx.request.body)
    await requestEmailChange(contextOf(ctx), { accessToken: bearerToken(ctx.get('authorization')), newEmail: input.new_email, password: input.password, ip: ipOf(ctx) }).catch(inBody)
    ctx.status = 202
    ctx.body = { message: 'A confirmation link has been sent to the new address; the change happens when it is opened' }
  })

  router.post('/auth/email/change/confirm', async (ctx) => {
    const { token } = parseInput(EmailTokenRequest, ctx.request.body)
    const { email } = await confirmEmailChange(contextOf(ctx), { token })
    ctx.body = { message: 'Email address changed', email }
  })
}

/**
 * What a first proof of the mailbox ended (usecases/recovery/first-proof.ts), when it ended anything:
 * `ended_at_first_proof` with the counts and `notice`, a sentence for the person. Nothing otherwise.
 */
function endedBody(ended: EndedAtFirstProof | undefined): Record<string, unknown> {
  const notice = ended ? endedInWords(ended) : ''
  return ended && notice !== '' ? { ended_at_first_proof: endedDetail(ended), notice } : {}
}
