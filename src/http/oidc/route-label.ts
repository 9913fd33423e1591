import type { KoaContextWithOIDC } from 'oidc-provider'
import { providerRouteOf } from '../../infra/oidc/provider-internals.js'
import { OIDC_PREFIX } from './paths.js'
import { nameOidcRoute } from './request-observer.js'

/**
 * Provider middleware (provider.use, first): the pattern of the provider's route that took the
 * request (providerRouteOf, below the mount point), as the request's route label.
 */
export async function nameProviderRoute(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  try {
    await next()
  } finally {
    const matched = providerRouteOf(ctx)
    if (matched !== undefined) nameOidcRoute(ctx.req, `${OIDC_PREFIX}${matched.path}`)
  }
}
