import type { KoaContextWithOIDC } from 'oidc-provider'
import { providerRouteOf } from '../../infra/oidc/provider-internals.js'
import { OIDC_PREFIX } from './paths.js'
import { noteOAuthRefusal } from './request-observer.js'

/**
 * Provider middleware (provider.use): a request no route of the provider took (an unknown path under
 * /oidc, or a method a route does not take) answers 404 with a JSON error body, the shape of the
 * provider's other errors (`error`, `error_description`; RFC 6749 section 5.2), instead of Koa's
 * plain-text "Not Found". The description names the method and the path without its query (which
 * may carry codes or tokens) and where the endpoints are listed. The status stays 404, as before.
 */
export function answerUnknownEndpoint(issuer: string) {
  const discoveryUrl = `${issuer}/.well-known/openid-configuration`
  return async function unknownEndpoint(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next()
    if (providerRouteOf(ctx) !== undefined || ctx.status !== 404) return
    const body = { error: 'not_found', error_description: `No endpoint answers ${ctx.method} ${OIDC_PREFIX}${ctx.path === '/' ? '' : ctx.path}; the endpoints are listed at ${discoveryUrl}` }
    // Logged for the page a browser got (pages.notFound, inner) too.
    noteOAuthRefusal(ctx.req, body)
    if (ctx.body != null) return
    ctx.status = 404
    ctx.set('Cache-Control', 'no-store')
    ctx.body = body
  }
}
