import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { login } from '../../usecases/sessions/login.js'
import { logout, logoutAll } from '../../usecases/sessions/logout.js'
import { refreshSession } from '../../usecases/sessions/refresh-session.js'
import { registerUser } from '../../usecases/users/register-user.js'
import { getCurrentUser } from '../../usecases/users/get-current-user.js'
import { validateToken } from '../../usecases/tokens/validate-token.js'
import { bearerToken } from '../bearer-token.js'
import { clientIp } from '../client-ip.js'
import { inBody, parseInput } from '../parse-input.js'
import type { SecondStep } from '../../usecases/mfa/second-step.js'
import type { SessionTokens } from '../../usecases/sessions/session-tokens.js'
import { LoginRequest, RefreshRequest, RegisterRequest, ValidateRequest } from '../schemas.js'
import { requestContexts } from '../request-context.js'
import { validationBody } from './validation-body.js'

/** The /auth/ endpoints; their rate limits and log levels are declared in ../route-table.ts. */
export function authRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  router.post('/auth/register', async (ctx) => {
    const input = parseInput(RegisterRequest, ctx.request.body)
    // Named fields only: a registration is never an operator's, whatever the body says.
    const user = await registerUser(contextOf(ctx), { email: input.email, password: input.password }).catch(inBody)
    ctx.body = { user_id: user.userId, email: user.email, message: 'User created successfully' }
  })

  router.post('/auth/login', async (ctx) => {
    const input = parseInput(LoginRequest, ctx.request.body)
    const result = await login(contextOf(ctx), { ...input, ip: clientIp(ctx, context.config.trustedProxies) }).catch(inBody)
    if (result.kind === 'tokens') {
      ctx.body = tokenPairBody(result.tokens)
    } else {
      ctx.status = 403
      ctx.body = secondStepBody(result)
    }
  })

  router.post('/auth/refresh', async (ctx) => {
    const { refresh_token } = parseInput(RefreshRequest, ctx.request.body)
    ctx.body = tokenPairBody(await refreshSession(contextOf(ctx), { refreshToken: refresh_token, ip: clientIp(ctx, context.config.trustedProxies) }))
  })

  router.post('/auth/logout', async (ctx) => {
    await logout(contextOf(ctx), { accessToken: bearerToken(ctx.get('authorization')) })
    ctx.status = 204
  })

  router.post('/auth/logout-all', async (ctx) => {
    await logoutAll(contextOf(ctx), { accessToken: bearerToken(ctx.get('authorization')) })
    ctx.status = 204
  })

  router.post('/auth/validate', async (ctx) => {
    const { token } = parseInput(ValidateRequest, ctx.request.body)
    ctx.body = validationBody(await validateToken(contextOf(ctx), token))
  })

  router.get('/auth/me', async (ctx) => {
    ctx.body = validationBody(await getCurrentUser(contextOf(ctx), bearerToken(ctx.get('authorization'))))
  })
}

/** The contract's 403 for a login that needs a second factor (or its enrolment) first: no token pair. */
function secondStepBody(step: SecondStep) {
  return step.kind === 'mfa_required'
    ? { error: step.kind, mfa_token: step.mfaToken, methods: step.methods, expires_in: step.expiresIn }
    : { error: step.kind, enrollment_token: step.enrollmentToken, methods: step.methods, expires_in: step.expiresIn }
}

export function tokenPairBody(tokens: SessionTokens) {
  return { access_token: tokens.accessToken, token_type: tokens.tokenType, expires_in: tokens.expiresIn, refresh_token: tokens.refreshToken }
}
