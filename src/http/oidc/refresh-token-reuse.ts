import type Provider from 'oidc-provider'
import type { KoaContextWithOIDC } from 'oidc-provider'
import type { Context } from '../../context.js'
import { ConcurrentRedemption } from '../../infra/oidc/knex-adapter.js'
import { presentedRefreshTokenOf, type PresentedRefreshToken } from '../../infra/oidc/provider-internals.js'
import { endSessionOnRefreshTokenReuse, type RefreshTokenReuse } from '../../usecases/oidc/end-session-on-refresh-reuse.js'
import { clientIpOf } from '../client-ip.js'
import { oidcRequestIdOf } from './request-observer.js'

/** Per request: the Heimdall session that findAccount found behind the grant of the token presented. */
const grantSessions = new WeakMap<object, string>()

/** Called by findAccount: the grant row (and its session link) is gone once the provider revokes the grant. */
export function rememberGrantSession(ctx: object, sessionId: string): void {
  grantSessions.set(ctx, sessionId)
}

/**
 * Makes OpenID Connect refresh-token reuse end the Heimdall session too (endSessionOnRefreshTokenReuse):
 * oidc-provider revokes the grant itself when a rotated-out refresh token comes back (and says so with
 * `grant.revoked` on the token endpoint), and the storage adapter does when two requests race with one
 * token (`grant.error` with ConcurrentRedemption). Either is noted on the request, and the session is
 * ended before the invalid_grant answer is sent.
 */
export function endSessionsOnRefreshTokenReuse(provider: Provider, context: Context): void {
  const reused = new WeakMap<object, RefreshTokenReuse>()
  const note = (ctx: KoaContextWithOIDC, token: PresentedRefreshToken) => {
    reused.set(ctx, { userId: token.accountId, clientId: token.clientId, sessionId: grantSessions.get(ctx), ip: clientIpOf(ctx.req, context.config.trustedProxies) })
  }
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC) => {
    const token = presentedRefreshTokenOf(ctx)
    if (ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'refresh_token' && token?.consumed) note(ctx, token)
  })
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: unknown) => {
    const token = presentedRefreshTokenOf(ctx)
    if (error instanceof ConcurrentRedemption && error.kind === 'RefreshToken' && token) note(ctx, token)
  })
  provider.use(async function endSessionOnReuse(ctx, next) {
    await next()
    const reuse = reused.get(ctx)
    if (!reuse) return
    // The grant is revoked whatever happens here: invalid_grant stays the answer.
    await endSessionOnRefreshTokenReuse(context, reuse).catch((err: unknown) => context.logger.error({ err, req_id: oidcRequestIdOf(ctx.req) }, 'ending the session after OIDC refresh token reuse failed'))
  })
}
