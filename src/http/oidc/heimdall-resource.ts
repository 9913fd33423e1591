import { errors, type KoaContextWithOIDC } from 'oidc-provider'
import { heimdallResourceOf } from '../../config.js'
import type { Context } from '../../context.js'
import { getHeimdallResourceClaims } from '../../usecases/oidc/heimdall-resource-claims.js'

/** Scopes that are about the ID token and the refresh token, not about access to a resource. */
const OIDC_ONLY_SCOPES = new Set(['openid', 'offline_access'])

interface ProviderClient {
  clientId: string
  scope?: string
}

/** The parts of an AccessToken (or ClientCredentials) model the JWT customizer reads and sets. */
interface ProviderToken {
  kind: string
  accountId?: string
  grantId?: string
  expiresIn?: number
}

interface StructuredToken {
  header?: Record<string, unknown>
  payload: Record<string, unknown> & { iat: number; exp: number }
}

/**
 * Heimdall's own resource (RFC 8707 resource indicators): a client that names HEIMDALL_PUBLIC_URL as
 * `resource` in the authorization request and again in the token request gets an RFC 9068 JWT access
 * token that validates at POST /auth/validate and /oauth/introspect like a token of Heimdall's own
 * (token-service.ts, checkedIssuer) and dies with its Heimdall session. Any other resource is
 * invalid_target; without one, access tokens stay opaque (for userinfo).
 *
 * Such a token acts for the user at Heimdall's API and at every service that validates through
 * Heimdall, so only first-party clients get one, and only for a user: a client credentials token has
 * no session to end it (invalid_target).
 */
export function heimdallResourceConfiguration(context: Context) {
  const resource = heimdallResourceOf(context.config)

  async function getResourceServerInfo(ctx: KoaContextWithOIDC, indicator: string, client: ProviderClient) {
    if (indicator !== resource) throw new errors.InvalidTarget(`the only resource served is ${resource} (Heimdall itself)`)
    if (ctx.oidc?.params?.grant_type === 'client_credentials') {
      throw new errors.InvalidTarget('tokens for Heimdall are issued for a user only, never with client credentials')
    }
    const row = await context.oauthClients.findOAuthClientById(client.clientId)
    if (!row?.first_party) throw new errors.InvalidTarget('tokens for Heimdall are issued to first-party clients only')
    const signing = context.tokens.providerSigning()
    return {
      audience: resource,
      // What the client may ask for at Heimdall; the token's permissions come from the session anyway.
      scope: (client.scope ?? '').split(' ').filter((scope) => scope !== '' && !OIDC_ONLY_SCOPES.has(scope)).join(' '),
      accessTokenFormat: 'jwt',
      jwt: { sign: signing.alg === 'HS256' ? { alg: signing.alg, key: signing.key } : { alg: signing.alg } },
    }
  }

  /**
   * formats.customizers.jwt: Heimdall's claims (sid, email, email_verified, permissions, amr) from the
   * Heimdall session the grant was made in, and an exp no later than that session's end (the
   * token endpoint's expires_in follows). A grant without a live session gets no token: invalid_grant.
   */
  async function customizeJwt(_ctx: KoaContextWithOIDC, token: ProviderToken, jwt: StructuredToken): Promise<void> {
    if (jwt.payload.aud !== resource) return
    if (token.kind !== 'AccessToken' || !token.accountId || !token.grantId) throw new errors.InvalidTarget('tokens for Heimdall are issued for a user only')
    const claims = await getHeimdallResourceClaims(context, { grantId: token.grantId, accountId: token.accountId })
    const sessionEnd = claims ? Math.floor(claims.sessionEndsAt / 1000) : 0
    if (!claims || sessionEnd <= jwt.payload.iat) throw new errors.InvalidGrant('the Heimdall session of this grant has ended')
    const { sessionEndsAt: _end, amr, ...heimdall } = claims
    // amr only when the session has methods to report, as on Heimdall's own tokens (amrClaim).
    Object.assign(jwt.payload, heimdall, amr.length > 0 ? { amr } : {})
    if (jwt.payload.exp > sessionEnd) {
      jwt.payload.exp = sessionEnd
      token.expiresIn = sessionEnd - jwt.payload.iat
    }
  }

  return {
    resourceIndicators: { enabled: true, getResourceServerInfo },
    jwtCustomizer: customizeJwt,
  }
}
