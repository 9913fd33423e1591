import { createHash, timingSafeEqual } from 'node:crypto'
import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { validateToken, type TokenValidation } from '../../usecases/tokens/validate-token.js'
import { bearerToken } from '../bearer-token.js'
import { FORM_TYPE } from '../middleware/koa-json-body.js'
import { IntrospectionRequest } from '../schemas.js'
import { requestContexts } from '../request-context.js'

export function oauthRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  // RFC 7662: the same validation as POST /auth/validate, in the introspection response shape.
  router.post('/oauth/introspect', async (ctx) => {
    authorizeCaller(context.config.introspectionToken, ctx.get('authorization'))
    if (ctx.request.body === undefined) {
      throw new HeimdallError('request.unsupported_media_type', `The body must be ${FORM_TYPE} (RFC 7662)`)
    }
    const input = IntrospectionRequest.safeParse(ctx.request.body)
    if (!input.success) throw new HeimdallError('oauth.invalid_request', 'The token parameter is required, exactly once')
    ctx.body = introspectionBody(await validateToken(contextOf(ctx), input.data.token))
  })
}

/** Without a configured introspection token the endpoint is open: bind it to an internal network. */
function authorizeCaller(expected: string | undefined, authorization: string): void {
  if (expected === undefined) return
  const presented = bearerToken(authorization)
  if (presented === undefined || !sameSecret(presented, expected)) {
    throw new HeimdallError('oauth.invalid_token', 'This endpoint requires the introspection bearer token')
  }
}

function sameSecret(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(a), digest(b))
}

function introspectionBody(result: TokenValidation) {
  if (!result.isValid) return { active: false }
  return {
    active: true,
    sub: result.userId,
    exp: result.expiresAt,
    iat: result.issuedAt,
    iss: result.issuer,
    scope: result.permissions.join(' '),
    username: result.email,
    email: result.email,
    email_verified: result.emailVerified,
    token_type: 'access_token',
    sid: result.sessionId,
    amr: result.amr,
    // Only on access tokens of Heimdall's OpenID provider (undefined, so left out, on Heimdall's own).
    client_id: result.clientId,
  }
}
