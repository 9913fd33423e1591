import type { KoaContextWithOIDC } from 'oidc-provider'
import type { Context } from '../../context.js'
import { isOfflineAccessImplied } from '../../usecases/oidc/implied-offline-access.js'
import { foldedPath } from '../request-path.js'

/**
 * Provider middleware (provider.use): a refresh token for a first-party client that asks for
 * offline_access without prompt=consent (mod_auth_openidc, express-openid-connect and most relying
 * parties do). oidc-provider drops offline_access from any authorization request without
 * prompt=consent (its checkScope, after OIDC Core section 11); for a client whose consent is implied
 * (isOfflineAccessImplied) the request gets `consent` added to its prompt before the provider reads
 * it, and the consent step grants without a page as for every first-party request
 * (interaction-pages.ts). Third-party clients keep the rule. prompt=none stays alone (it may not be
 * combined), and offline_access is then dropped. Authorization by POST arrives here as a GET
 * (post-as-get.ts).
 */
export function impliedOfflineAccess(context: Context) {
  return async function offlineAccessOfFirstParty(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    if (ctx.method === 'GET' && foldedPath(ctx.path) === '/auth') {
      const { client_id: clientId, scope, prompt } = ctx.query
      const prompts = typeof prompt === 'string' ? prompt.split(' ').filter(Boolean) : []
      if (
        typeof clientId === 'string' &&
        typeof scope === 'string' &&
        scope.split(' ').includes('offline_access') &&
        (prompt === undefined || typeof prompt === 'string') &&
        !prompts.includes('consent') &&
        !prompts.includes('none') &&
        (await isOfflineAccessImplied(context, clientId))
      ) {
        ctx.query = { ...ctx.query, prompt: [...prompts, 'consent'].join(' ') }
      }
    }
    await next()
  }
}
