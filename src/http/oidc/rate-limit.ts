import type { IncomingMessage } from 'node:http'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { consumeRateLimit } from '../../usecases/throttling/consume-rate-limit.js'
import { clientIpOf } from '../client-ip.js'
import { foldedPath, pathOfUrl } from '../request-path.js'
import { OIDC_PREFIX } from './paths.js'

/**
 * The provider's endpoints where a credential is presented, and so can be guessed: a client secret, a
 * code or refresh token (token), a token (introspection, revocation), a client (device authorization),
 * a user code (the device page's form). POST only; the rest (discovery, JWKS, authorization, userinfo
 * with its bearer token, logout) is not limited.
 */
const CREDENTIAL_ENDPOINTS: ReadonlySet<string> = new Set(['/token', '/token/introspection', '/token/revocation', '/device/auth', '/device'])

/**
 * The endpoint whose budget a request to the provider spends (as `/oidc/token`), or undefined.
 * `path` is below the mount point, query included. Every spelling the provider's router takes for an
 * endpoint (foldedPath) names the same budget.
 */
export function rateLimitedEndpoint(method: string | undefined, path: string): string | undefined {
  if (method !== 'POST') return undefined
  const pathname = foldedPath(pathOfUrl(path))
  return CREDENTIAL_ENDPOINTS.has(pathname) ? `${OIDC_PREFIX}${pathname}` : undefined
}

/** What to answer a request over budget: 429, Retry-After (seconds) and an OAuth error body (RFC 6749 section 5.2). */
export interface RateLimitRefusal {
  retryAfterSeconds: number
  body: { error: string; error_description: string }
}

/**
 * Spends one request of the client's per-minute budget for `endpoint`: the same use case and setting
 * (HEIMDALL_RATE_LIMIT_PER_MINUTE, per IP and endpoint) as Heimdall's command endpoints. Answers the
 * refusal when the budget is spent, undefined otherwise. `temporarily_unavailable` is the registered
 * OAuth error closest to "come back later"; Retry-After says when.
 */
export async function spendOidcBudget(context: Context, req: IncomingMessage, endpoint: string): Promise<RateLimitRefusal | undefined> {
  try {
    await consumeRateLimit(context, { endpoint, clientIp: clientIpOf(req, context.config.trustedProxies) })
    return undefined
  } catch (error) {
    if (!(error instanceof HeimdallError) || error.code !== 'request.rate_limited') throw error
    return { retryAfterSeconds: error.retryAfterSeconds ?? 60, body: { error: 'temporarily_unavailable', error_description: error.publicMessage } }
  }
}
