import type Provider from 'oidc-provider'
import { servedScopesOf, wrapGrantTypeHandler } from '../../infra/oidc/provider-internals.js'

/**
 * Makes a refresh that repeats its sign-in's `scope` succeed (RFC 6749 section 6 allows `scope` on a
 * refresh; mod_auth_openidc and others send the original request's). An authorization silently drops
 * the scopes the provider does not serve (`phone`, `address`, a relying party's own `groups`): the
 * refresh token never had them, and oidc-provider's refresh_token grant refuses any requested scope
 * the token lacks ("refresh token missing requested scope", invalid_scope). Here the refresh drops
 * those same scopes first, as the authorization did; a scope the provider serves but the token was
 * not granted (`roles` never consented, say) is still invalid_scope, as RFC 6749 requires.
 *
 * Wraps the built-in handler (wrapGrantTypeHandler: read from oidc-provider's internals, once, at
 * start-up, and registered again with the same parameters and duplicate rules).
 */
export function dropUnservedScopesOnRefresh(provider: Provider): void {
  const served = servedScopesOf(provider)
  wrapGrantTypeHandler(provider, 'refresh_token', (builtIn) =>
    async function refreshWithServedScopes(ctx) {
      const params = ctx.oidc.params as { scope?: string }
      if (typeof params.scope === 'string') {
        const kept = params.scope.split(' ').filter((scope) => scope === '' || served.has(scope))
        // All of them unserved: as if no scope were given, i.e. the refresh token's own.
        params.scope = kept.some(Boolean) ? kept.join(' ') : undefined
      }
      await builtIn(ctx)
    },
  )
}
