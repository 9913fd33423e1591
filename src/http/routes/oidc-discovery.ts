import type Router from '@koa/router'
import type { Context } from '../../context.js'
import type { OidcHost } from '../oidc/mount.js'
import { OIDC_PREFIX } from '../oidc/paths.js'

/** The provider's own discovery document: OpenID Connect Discovery 1.0 section 4 (the issuer's path, then the well-known suffix). */
const DOCUMENT_PATH = `${OIDC_PREFIX}/.well-known/openid-configuration`
/**
 * RFC 8414 section 3 puts the well-known suffix between host and path: the metadata of the issuer
 * `${publicUrl}/oidc` is also looked for at these, and answered with the same document.
 */
const PATH_INSERTED = [`/.well-known/oauth-authorization-server${OIDC_PREFIX}`, `/.well-known/openid-configuration${OIDC_PREFIX}`]
/** The root well-known URLs, which name the metadata of an issuer with no path: Heimdall has none. */
const ROOT = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']

/**
 * Discovery beside the provider's own URL (which the provider answers, under /oidc): the RFC 8414
 * path-insertion URLs answer the provider's document; the root ones answer 404 with the real
 * discovery URL in the body (`issuer`, `discovery_url`), so that someone configuring a relying party
 * with the bare HEIMDALL_PUBLIC_URL learns where to look. With OpenID Connect off, all answer 404
 * saying so.
 */
export function oidcDiscoveryRoutes(router: Router, context: Context, oidc: OidcHost | undefined): void {
  const issuer = `${context.config.publicUrl}${OIDC_PREFIX}`
  const discoveryUrl = `${context.config.publicUrl}${DOCUMENT_PATH}`

  for (const path of ROOT) {
    router.get(path, (ctx) => {
      ctx.status = 404
      ctx.body = oidc
        ? { error: `Not found: the OpenID Connect issuer is ${issuer}; its discovery document is at ${discoveryUrl}`, status_code: 404, path: ctx.path, code: 'route.not_found', issuer, discovery_url: discoveryUrl }
        : notEnabled(ctx.path)
    })
  }

  for (const path of PATH_INSERTED) {
    router.get(path, async (ctx) => {
      if (!oidc) {
        ctx.status = 404
        ctx.body = notEnabled(ctx.path)
        return
      }
      // Answered by the provider itself, as if asked at its own URL; the request line keeps this path.
      const { req, res } = ctx
      const asked = req.url
      ctx.respond = false
      const answered = new Promise<void>((resolve) => res.once('close', resolve))
      req.url = DOCUMENT_PATH
      oidc.listener(req, res)
      await answered
      req.url = asked
    })
  }
}

function notEnabled(path: string) {
  return { error: 'Not found: OpenID Connect is not enabled on this server (HEIMDALL_OIDC_ENABLED)', status_code: 404, path, code: 'route.not_found' }
}
