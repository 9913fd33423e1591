import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { login } from '../../usecases/commands/login.js'
import { registerUser } from '../../usecases/commands/register-user.js'
import { getCurrentUser } from '../../usecases/queries/get-current-user.js'
import { validateToken, type TokenValidation } from '../../usecases/queries/validate-token.js'
import { bearerToken } from '../bearer-token.js'
import { parseInput } from '../parse-input.js'
import { LoginRequest, RegisterRequest, ValidateRequest } from '../schemas.js'

export function authRoutes(router: Router, context: Context): void {
  router.post('/auth/register', async (ctx) => {
    const input = parseInput(RegisterRequest, ctx.request.body)
    const user = await registerUser(context, input)
    ctx.body = { user_id: user.userId, email: user.email, message: 'User created successfully' }
  })

  router.post('/auth/login', async (ctx) => {
    const input = parseInput(LoginRequest, ctx.request.body)
    const session = await login(context, { ...input, ip: ctx.ip })
    ctx.body = { access_token: session.accessToken, token_type: session.tokenType, expires_in: session.expiresIn }
  })

  router.post('/auth/validate', async (ctx) => {
    const { token } = parseInput(ValidateRequest, ctx.request.body)
    ctx.body = validationBody(await validateToken(context, token))
  })

  router.get('/auth/me', async (ctx) => {
    ctx.body = validationBody(await getCurrentUser(context, bearerToken(ctx.get('authorization'))))
  })
}

function validationBody(result: TokenValidation) {
  return result.isValid
    ? { is_valid: true, user_id: result.userId, email: result.email, permissions: result.permissions, error: null }
    : { is_valid: false, user_id: null, email: null, permissions: [], error: result.error }
}
