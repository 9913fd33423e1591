import type Provider from 'oidc-provider'
import { pinRequestOrigin } from '../../infra/oidc/provider-internals.js'
import { clientIpOf } from '../client-ip.js'

/**
 * Makes every request the provider serves look as if it had been made to its issuer
 * (`${HEIMDALL_PUBLIC_URL}/oidc`), whatever Host, X-Forwarded-Host or X-Forwarded-Proto say. oidc-provider
 * builds its URLs (discovery's endpoints, the device flow's verification_uri, form actions, the address
 * a sign-in resumes at) from the request's protocol and host, which the client chooses (RFC 9110
 * section 7.2): a request naming another host would get, and could have cached or stored, URLs on that
 * host. HEIMDALL_PUBLIC_URL is the one place that says where Heimdall is, as for its mails and passkeys.
 *
 * - `ctx.oidc.urlFor(name)` answers `provider.urlFor(name)`: the issuer's origin and path, also when
 *   the public URL has a path that a proxy strips before Heimdall;
 * - the request's `protocol` and `host` (so `secure`, `hostname`, `href`) are the issuer's: the
 *   provider's cookies are `Secure` exactly when the public URL is https;
 * - its `ip` is the client address as HEIMDALL_TRUSTED_PROXIES says (client-ip.ts), the same one
 *   Heimdall's rate limits and audit read.
 * Only this provider's request is changed (pinRequestOrigin); Heimdall's own Koa app never reads Host.
 */
export function pinToPublicUrl(provider: Provider, trustedProxies: number): void {
  const issuer = new URL(provider.issuer)
  pinRequestOrigin(provider, { protocol: issuer.protocol.slice(0, -1), host: issuer.host, ipOf: (req) => clientIpOf(req, trustedProxies) })
}
