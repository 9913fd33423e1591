import Provider, { type Configuration } from 'oidc-provider'
import { oidcIssuerOf } from '../../config.js'
import { INTERACTION_PATH, OIDC_SESSION_TTL_SECONDS } from './paths.js'
import type { Context } from '../../context.js'
import { compareClientSecretHash } from '../../infra/oidc/client-metadata.js'
import { createKnexAdapter } from '../../infra/oidc/knex-adapter.js'
import { compareClientSecretsWith } from '../../infra/oidc/provider-internals.js'
import { interactionPolicyWithCreate } from './create-prompt.js'
import { loadExistingGrantOfSession } from './existing-grant.js'
import { findAccountOfSession } from './find-account.js'
import { heimdallResourceConfiguration } from './heimdall-resource.js'
import { introspectionPolicy } from './introspection-policy.js'
import type { ProviderPages } from '../pages/oidc/provider-pages.js'
import { endHeimdallSessionOnLogout } from './logout.js'
import { impliedOfflineAccess } from './offline-access.js'
import { answerUnknownEndpoint } from './not-found.js'
import { pinToPublicUrl } from './public-url.js'
import { nameProviderRoute } from './route-label.js'
import { logProviderRefusals } from './refusal-log.js'
import { endSessionsOnRefreshTokenReuse } from './refresh-token-reuse.js'
import { dropUnservedScopesOnRefresh } from './refresh-scope.js'


/**
 * oidc-provider 9 features Heimdall leaves off: pushed authorization requests (RFC 9126), DPoP
 * (RFC 9449), request objects (JAR, RFC 9101), the claims parameter, dynamic registration, CIBA,
 * back-channel logout, encryption, FAPI, JWT-secured introspection / userinfo / responses (JARM),
 * mTLS, rich authorization requests, web_message, client attestation, client ID metadata documents,
 * OpenID4VCI. Discovery advertises only what docs/oidc.md lists.
 */
const OFF_FEATURES = Object.fromEntries(
  [
    'pushedAuthorizationRequests', 'dPoP', 'requestObjects', 'claimsParameter', 'registration', 'registrationManagement', 'ciba',
    'backchannelLogout', 'encryption', 'fapi', 'jwtIntrospection', 'jwtUserinfo', 'jwtResponseModes', 'mTLS',
    'richAuthorizationRequests', 'webMessageResponseMode', 'attestClientAuth', 'clientIdMetadataDocument', 'rpMetadataChoices',
    'externalSigningSupport', 'openid4vci',
  ].map((feature) => [feature, { enabled: false }]),
)

export interface ProviderKeys {
  /** Private JWKs (with kid, alg, use) of the active signing keys. */
  keys: Array<Record<string, unknown>>
  /** The algorithm ID tokens are signed with (that of the newest key). */
  alg: string
}

/**
 * Builds the oidc-provider instance: issuer, storage, keys, claims, flows and their defaults, in one
 * place. Only what Heimdall needs is switched on: the code flow with PKCE (S256 only; required for
 * public clients), refresh tokens rotated on every use (a rotated-out one presented again ends the
 * grant and the Heimdall session: refresh-token-reuse.ts), client credentials, the device grant,
 * RP-initiated logout, revocation (RFC 7009) and introspection (RFC 7662), and resource indicators
 * (RFC 8707) for Heimdall's own resource only (heimdall-resource.ts). No dynamic registration, no
 * implicit flow, no dev interactions. The pages the provider renders itself (device flow, logout,
 * errors) are Heimdall's (`pages`, http/pages/oidc/provider-pages.ts).
 */
export function buildProvider(context: Context, keys: ProviderKeys, scopes: ReadonlySet<string>, pages: ProviderPages): Provider {
  const { config } = context
  const adapter = createKnexAdapter(context.db, context.oauthClients)
  const heimdallResource = heimdallResourceConfiguration(context)
  const configuration: Configuration = {
    adapter,
    jwks: { keys: keys.keys as never },
    cookies: { keys: [context.derivedKey('oidc-cookies').export().toString('base64url')] },
    claims: {
      // amr (RFC 8176 values: pwd, otp, hwk ...) comes from the sign-in, with every ID token.
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      // OIDC Core 5.4's profile claims that Heimdall can fill (getOidcClaims); the others are left out.
      profile: ['name', 'preferred_username', 'updated_at'],
      roles: ['roles', 'permissions'],
    },
    // Permission names too: the provider checks only the scopes it knows against a client's allow-list.
    scopes: [...scopes],
    conformIdTokenClaims: false,
    // idp=NAME: the relying party names the identity provider to sign in with (docs/federation.md).
    extraParams: ['idp'],
    responseTypes: ['code'],
    clientDefaults: { id_token_signed_response_alg: keys.alg, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'EdDSA'], userinfoSigningAlgValues: ['RS256', 'EdDSA'], introspectionSigningAlgValues: ['RS256', 'EdDSA'] },
    features: {
      // Off, each named (not left to defaults a minor release may change): what the provider would
      // otherwise serve and advertise that Heimdall neither documents nor rate limits. PAR and DPoP are
      // on by default in oidc-provider 9.
      ...OFF_FEATURES,
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // A client may introspect or revoke only the tokens issued to it; introspection also asks the Heimdall session.
      introspection: { enabled: true, allowedPolicy: introspectionPolicy(context) },
      revocation: { enabled: true, allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId },
      deviceFlow: { enabled: true, ...pages.deviceFlow },
      rpInitiatedLogout: { enabled: true, ...pages.rpInitiatedLogout },
      userinfo: { enabled: true },
      resourceIndicators: heimdallResource.resourceIndicators,
    },
    formats: { customizers: { jwt: heimdallResource.jwtCustomizer } },
    pkce: { required: (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: config.accessTokenTtlSeconds,
      ClientCredentials: config.accessTokenTtlSeconds,
      IdToken: 3600,
      RefreshToken: config.refreshTokenTtlSeconds,
      AuthorizationCode: 60,
      DeviceCode: 600,
      Interaction: 3600,
      Session: OIDC_SESSION_TTL_SECONDS,
      Grant: config.refreshTokenTtlSeconds,
    },
    renderError: pages.renderError,
    loadExistingGrant: loadExistingGrantOfSession(context),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PATH}?uid=${interaction.uid}`, policy: interactionPolicyWithCreate() },
    findAccount: findAccountOfSession(context),
  }
  const provider = new Provider(oidcIssuerOf(config), configuration)
  pinToPublicUrl(provider, config.trustedProxies)
  provider.use(nameProviderRoute)
  logProviderRefusals(provider)
  // Unknown paths and methods: a JSON error, or (inner, so it goes first) a page for a browser.
  provider.use(answerUnknownEndpoint(provider.issuer))
  provider.use(pages.notFound)
  provider.use(pages.selfSubmittingForms)
  provider.use(endHeimdallSessionOnLogout(context))
  provider.use(impliedOfflineAccess(context))
  endSessionsOnRefreshTokenReuse(provider, context)
  dropUnservedScopesOnRefresh(provider)
  // Secrets are stored as SHA-256 hashes: compare the presented one against the hash.
  compareClientSecretsWith(provider, compareClientSecretHash)
  return provider
}
