import * as oidc from 'openid-client'
import { HeimdallError } from '../../errors.js'
import { microsoftTenantIssuer } from './presets.js'
import type { UpstreamClient, UpstreamIdentity, UpstreamRequest, UpstreamSettings } from './upstream.js'
import { upstreamError } from './upstream-error.js'
import { isPlainHttp } from './upstream-url.js'

/** A discovered provider is used for this long before its metadata (and keys) are read again. */
const DISCOVERY_TTL_MS = 10 * 60_000
const discovered = new Map<string, { config: Promise<oidc.Configuration>; at: number }>()

/**
 * An OpenID Connect relying party on openid-client: discovery (cached per provider version), the
 * authorization URL, the code exchange with its checks. The Microsoft preset's multi-tenant issuer is
 * checked by openid-client against the token's `tid` and again here; its address is never verified.
 */
export async function createOidcClient(settings: UpstreamSettings): Promise<UpstreamClient> {
  const config = await configurationOf(settings)
  return {
    async authorizationUrl(request: UpstreamRequest): Promise<URL> {
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: request.redirectUri,
        response_type: 'code',
        scope: settings.scopes.join(' '),
        state: request.state,
        nonce: request.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
        code_challenge_method: 'S256',
      })
    },

    async complete(callbackUrl: URL, request: UpstreamRequest): Promise<UpstreamIdentity> {
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: request.codeVerifier,
          expectedState: request.state,
          expectedNonce: request.nonce,
          idTokenExpected: true,
        })
        const claims = tokens.claims()!
        let email = typeof claims.email === 'string' ? claims.email : null
        let emailVerified = claims.email_verified === true
        // Some issuers keep the address out of the ID token: the userinfo answer is for the same `sub` (checked).
        if (email === null && config.serverMetadata().userinfo_endpoint !== undefined) {
          const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
          email = typeof info.email === 'string' ? info.email : null
          emailVerified = info.email_verified === true
        }
        let subject = claims.sub
        if (settings.preset === 'microsoft') {
          const tid = typeof claims.tid === 'string' ? claims.tid : ''
          if (tid === '' || claims.iss !== microsoftTenantIssuer(tid)) {
            throw new HeimdallError('federation.upstream_invalid', `The Microsoft ID token's issuer ${claims.iss} is not its tenant's (${tid || 'no tid claim'})`)
          }
          // `sub` is unique within a tenant and app; the tenant makes it unique across tenants.
          subject = `${tid}:${claims.sub}`
          // The `email` claim is whatever the tenant's administrator set: never proof of the address (nOAuth).
          emailVerified = false
        }
        return {
          subject,
          email,
          emailVerified,
          amr: Array.isArray(claims.amr) ? claims.amr.filter((method): method is string => typeof method === 'string') : [],
          acr: typeof claims.acr === 'string' ? claims.acr : null,
        }
      } catch (error) {
        throw upstreamError(error)
      }
    },
  }
}

function configurationOf(settings: UpstreamSettings): Promise<oidc.Configuration> {
  const key = `${settings.id}:${settings.updatedAt}`
  const cached = discovered.get(key)
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config
  const config = oidc.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, clientAuthentication(settings.clientSecret), {
    execute: isPlainHttp(settings.issuer) ? [oidc.allowInsecureRequests] : [],
  })
  discovered.set(key, { config, at: Date.now() })
  // A failed discovery is not kept: the next sign-in tries again.
  config.catch(() => discovered.delete(key))
  return config
}

/** client_secret_basic unless the issuer lists only client_secret_post (RFC 8414: basic is the default). */
function clientAuthentication(secret: string): oidc.ClientAuth {
  const basic = oidc.ClientSecretBasic(secret)
  const post = oidc.ClientSecretPost(secret)
  return (as, client, body, headers) => {
    const methods = as.token_endpoint_auth_methods_supported
    const method = methods === undefined || methods.includes('client_secret_basic') ? basic : post
    return method(as, client, body, headers)
  }
}
