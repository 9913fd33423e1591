import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { completeMfaLogin } from '../../usecases/mfa/complete-mfa-login.js'
import { authenticate, authenticateForEnrolment } from '../../usecases/mfa/principal.js'
import { replaceRecoveryCodes } from '../../usecases/mfa/recovery-codes.js'
import { confirmTotp, disableTotp, setupTotp } from '../../usecases/mfa/totp.js'
import type { AuthenticationResponseJSON } from '../../infra/mfa/webauthn.js'
import { bearerToken } from '../bearer-token.js'
import { clientIp } from '../client-ip.js'
import { parseInput } from '../parse-input.js'
import { requestContexts } from '../request-context.js'
import { MfaLoginRequest, PasswordConfirmationRequest, TotpConfirmRequest } from '../schemas.js'
import { tokenPairBody } from './auth.js'

/** TOTP enrolment, recovery codes and the second step of a login (issue 16). */
export function mfaRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  const ipOf = (ctx: Parameters<typeof clientIp>[0]) => clientIp(ctx, context.config.trustedProxies)

  router.post('/auth/login/mfa', async (ctx) => {
    const input = parseInput(MfaLoginRequest, ctx.request.body)
    const tokens = await completeMfaLogin(contextOf(ctx), {
      mfaToken: input.mfa_token,
      code: input.code,
      recoveryCode: input.recovery_code,
      passkeyResponse: input.passkey_response as AuthenticationResponseJSON | undefined,
      ip: ipOf(ctx),
    })
    ctx.body = tokenPairBody(tokens)
  })

  router.post('/auth/mfa/totp/setup', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticateForEnrolment(requestContext, bearerToken(ctx.get('authorization')))
    const { password } = parseInput(PasswordConfirmationRequest, ctx.request.body)
    const setup = await setupTotp(requestContext, principal, { password, ip: ipOf(ctx) })
    ctx.body = { secret: setup.secret, otpauth_uri: setup.otpauthUri, qr_svg: setup.qrSvg }
  })

  router.post('/auth/mfa/totp/confirm', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticateForEnrolment(requestContext, bearerToken(ctx.get('authorization')))
    const { code } = parseInput(TotpConfirmRequest, ctx.request.body)
    const { recoveryCodes } = await confirmTotp(requestContext, principal, { code, ip: ipOf(ctx) })
    ctx.body = { recovery_codes: recoveryCodes }
  })

  router.post('/auth/mfa/totp/disable', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticate(requestContext, bearerToken(ctx.get('authorization')))
    const { password } = parseInput(PasswordConfirmationRequest, ctx.request.body)
    await disableTotp(requestContext, principal, { password, ip: ipOf(ctx) })
    ctx.status = 204
  })

  router.post('/auth/mfa/recovery-codes', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticate(requestContext, bearerToken(ctx.get('authorization')))
    const { password } = parseInput(PasswordConfirmationRequest, ctx.request.body)
    const { recoveryCodes } = await replaceRecoveryCodes(requestContext, principal, { password, ip: ipOf(ctx) })
    ctx.body = { recovery_codes: recoveryCodes }
  })
}
