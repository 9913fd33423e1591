import type Provider from 'oidc-provider'
import instance from 'oidc-provider/lib/helpers/weak_cache.js'

/**
 * Makes a refresh that repeats its sign-in's `scope` succeed (RFC 6749 section 6 allows `scope` on a
 * refresh; mod_auth_openidc and others send the original request's). An authorization silently drops
 * the scopes the provider does not serve (`phone`, `address`, a relying party's own `groups`): the
 * refresh token never had them, and oidc-provider's refresh_token grant refuses any requested scope
 * the token lacks ("refresh token missing requested scope", invalid_scope). Here the refresh drops
 * those same scopes first, as the authorization did; a scope the provider serves but the token was
 * not granted (`roles` never consented, say) is still invalid_scope, as RFC 6749 requires.
 *
 * Wraps the built-in handler (read from oidc-provider 9's internals, once, at start-up) and
 * registers it again with the same parameters and duplicate rules.
 */
export function dropUnservedScopesOnRefresh(provider: Provider): void {
  const internals = instance(provider)
  const builtIn = internals.grantTypeHandlers.get('refresh_token')
  if (!builtIn) throw new Error('oidc-provider registered no refresh_token grant: its internals changed (see http/oidc/refresh-scope.ts)')
  const served = internals.configuration.scopes
  const parameters = internals.grantTypeParams.get('refresh_token')
  const dupes = internals.grantTypeDupes.get('refresh_token')
  provider.registerGrantType(
    'refresh_token',
    async function refreshWithServedScopes(ctx) {
      const params = ctx.oidc.params as { scope?: string }
      if (typeof params.scope === 'string') {
        const kept = params.scope.split(' ').filter((scope) => scope === '' || served.has(scope))
        // All of them unserved: as if no scope were given, i.e. the refresh token's own.
        params.scope = kept.some(Boolean) ? kept.join(' ') : undefined
      }
      await builtIn(ctx)
    },
    parameters,
    dupes,
  )
}
