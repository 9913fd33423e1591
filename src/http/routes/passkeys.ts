import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '../../infra/mfa/webauthn.js'
import { startPasskeyAuthentication } from '../../usecases/mfa/passkey-assertion.js'
import { loginWithPasskey } from '../../usecases/mfa/passkey-login.js'
import { finishPasskeyRegistration, startPasskeyRegistration, type PasskeySummary } from '../../usecases/mfa/passkey-registration.js'
import { deletePasskey, listPasskeys } from '../../usecases/mfa/passkeys.js'
import { authenticate, authenticateForEnrolment } from '../../usecases/mfa/principal.js'
import { bearerToken } from '../bearer-token.js'
import { clientIp } from '../client-ip.js'
import { parseInput } from '../parse-input.js'
import { requestContexts } from '../request-context.js'
import { PasskeyLoginOptionsRequest, PasskeyLoginRequest, PasskeyRegisterRequest } from '../schemas.js'
import { tokenPairBody } from './auth.js'

const PASSKEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Passkeys (WebAuthn Level 2): registration, management and passwordless login (issue 16). */
export function passkeyRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  const ipOf = (ctx: Parameters<typeof clientIp>[0]) => clientIp(ctx, context.config.trustedProxies)

  router.post('/auth/passkeys/register/options', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticateForEnrolment(requestContext, bearerToken(ctx.get('authorization')))
    ctx.body = await startPasskeyRegistration(requestContext, principal)
  })

  router.post('/auth/passkeys/register/verify', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticateForEnrolment(requestContext, bearerToken(ctx.get('authorization')))
    const input = parseInput(PasskeyRegisterRequest, ctx.request.body)
    const passkey = await finishPasskeyRegistration(requestContext, principal, {
      response: input.response as unknown as RegistrationResponseJSON,
      name: input.name,
      ip: ipOf(ctx),
    })
    ctx.body = passkeyBody(passkey)
  })

  router.get('/auth/passkeys', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticate(requestContext, bearerToken(ctx.get('authorization')))
    ctx.body = { passkeys: (await listPasskeys(requestContext, principal)).map(passkeyBody) }
  })

  router.delete('/auth/passkeys/:id', async (ctx) => {
    const requestContext = contextOf(ctx)
    const principal = await authenticate(requestContext, bearerToken(ctx.get('authorization')))
    const id = ctx.params.id ?? ''
    if (!PASSKEY_ID.test(id)) throw new HeimdallError('passkey.not_found', 'No such passkey')
    await deletePasskey(requestContext, principal, { id: id.toLowerCase(), ip: ipOf(ctx) })
    ctx.status = 204
  })

  router.post('/auth/passkeys/login/options', async (ctx) => {
    const input = parseInput(PasskeyLoginOptionsRequest, ctx.request.body === undefined ? {} : ctx.request.body)
    ctx.body = await startPasskeyAuthentication(contextOf(ctx), { email: input.email, mfaToken: input.mfa_token })
  })

  router.post('/auth/passkeys/login/verify', async (ctx) => {
    const input = parseInput(PasskeyLoginRequest, ctx.request.body)
    const tokens = await loginWithPasskey(contextOf(ctx), { response: input.response as unknown as AuthenticationResponseJSON, ip: ipOf(ctx) })
    ctx.body = tokenPairBody(tokens)
  })
}

function passkeyBody(passkey: PasskeySummary) {
  return {
    id: passkey.id,
    name: passkey.name,
    created_at: new Date(passkey.createdAt).toISOString(),
    last_used_at: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt).toISOString(),
    backed_up: passkey.backedUp,
  }
}
