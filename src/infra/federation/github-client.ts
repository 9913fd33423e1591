import * as oidc from 'openid-client'
import { HeimdallError } from '../../errors.js'
import { PRESETS } from './presets.js'
import type { UpstreamClient, UpstreamIdentity, UpstreamRequest, UpstreamSettings } from './upstream.js'
import { upstreamError } from './upstream-error.js'
import { isPlainHttp } from './upstream-url.js'

/**
 * GitHub signs people in with plain OAuth 2 (no ID token): authorize at {base}/login/oauth/authorize,
 * exchange the code (with PKCE) at {base}/login/oauth/access_token, then ask the REST API who it is:
 * GET /user (the subject is the numeric `id`, which never changes; the login can) and GET
 * /user/emails, of which only the primary address, and only when verified, is taken.
 * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */
export function createGithubClient(settings: UpstreamSettings): UpstreamClient {
  const base = settings.issuer.replace(/\/+$/, '')
  const api = (settings.apiBaseUrl ?? PRESETS.github.apiBaseUrl!).replace(/\/+$/, '')
  const config = new oidc.Configuration(
    { issuer: base, authorization_endpoint: `${base}/login/oauth/authorize`, token_endpoint: `${base}/login/oauth/access_token` },
    settings.clientId,
    settings.clientSecret,
    oidc.ClientSecretPost(settings.clientSecret),
  )
  if (isPlainHttp(base) || isPlainHttp(api)) oidc.allowInsecureRequests(config)
  config[oidc.customFetch] = errorsAsErrors(`${base}/login/oauth/access_token`)

  async function getJson(accessToken: string, path: string): Promise<unknown> {
    const headers = new Headers({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'heimdall' })
    const response = await oidc.fetchProtectedResource(config, accessToken, new URL(`${api}${path}`), 'GET', undefined, headers)
    if (!response.ok) throw new HeimdallError('federation.upstream_refused', `GitHub answered ${response.status} to GET ${path}`)
    return response.json()
  }

  return {
    async authorizationUrl(request: UpstreamRequest): Promise<URL> {
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: request.redirectUri,
        scope: settings.scopes.join(' '),
        state: request.state,
        code_challenge: await oidc.calculatePKCECodeChallenge(request.codeVerifier),
        code_challenge_method: 'S256',
        // GitHub would otherwise offer to sign up a new GitHub account on its page.
        allow_signup: 'false',
      })
    },

    async complete(callbackUrl: URL, request: UpstreamRequest): Promise<UpstreamIdentity> {
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: request.codeVerifier, expectedState: request.state })
        const user = (await getJson(tokens.access_token, '/user')) as { id?: unknown }
        if (typeof user.id !== 'number' || !Number.isSafeInteger(user.id)) throw new HeimdallError('federation.upstream_invalid', 'GitHub\'s /user answer has no numeric id')
        const emails = (await getJson(tokens.access_token, '/user/emails')) as Array<{ email?: unknown; primary?: unknown; verified?: unknown }>
        const primary = Array.isArray(emails) ? emails.find((entry) => entry.primary === true && entry.verified === true && typeof entry.email === 'string') : undefined
        return { subject: String(user.id), email: (primary?.email as string | undefined) ?? null, emailVerified: primary !== undefined, amr: [], acr: null }
      } catch (error) {
        throw upstreamError(error)
      }
    },
  }
}

/**
 * GitHub's token endpoint answers an error (bad_verification_code, a spent or wrong code) with status
 * 200 and an `error` field; RFC 6749 section 5.2 says 400. Given the status the RFC says, openid-client
 * reports it as the upstream's refusal, with GitHub's words.
 */
function errorsAsErrors(tokenEndpoint: string): oidc.CustomFetch {
  return async (url, options) => {
    const response = await fetch(url, options)
    if (url !== tokenEndpoint || response.status !== 200) return response
    const body = (await response.clone().json().catch(() => undefined)) as { error?: unknown } | undefined
    if (typeof body?.error !== 'string') return response
    return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } })
  }
}
