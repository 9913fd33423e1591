import { loadLocales } from '../../infra/i18n/catalogues.js'
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import { oidcIssuerOf } from '../../config.js'
import type { Context } from '../../context.js'
import { createProviderKeys } from '../../infra/oidc/provider-keys.js'
import { isClientAbort, logClientAbort } from '../client-abort.js'
import { translateError } from '../../usecases/translate-error.js'
import { knownClientScopes } from '../../usecases/oidc/known-client-scopes.js'
import { getJwks, JWKS_MAX_AGE_SECONDS } from '../../usecases/signing-keys/get-jwks.js'
import { createProviderPages } from '../pages/oidc/provider-pages.js'
import { pageBrandOf } from '../pages/branding.js'
import { loadBranding } from '../../infra/branding.js'
import { PAGE_CSP } from '../pages/pages.js'
import { setSecurityHeaders } from '../security-headers.js'
import { OIDC_PREFIX } from './paths.js'
import { formPostEndpoint, redirectFormPost } from './post-as-get.js'
import { rateLimitedEndpoint, spendOidcBudget } from './rate-limit.js'
import { answerJson } from './answer-json.js'
import { nameOidcRoute, observeOidcRequests, oidcRequestIdOf } from './request-observer.js'

/** How often the provider looks for a rotated signing key (keys:rotate run elsewhere). */
const KEY_CHECK_MS = 5_000

export interface OidcHost {
  /** The provider now (built on first use, rebuilt after a key rotation): for the interaction pages. */
  provider(): Promise<Provider>
  /** Answers a request under /oidc, as a route of Heimdall's Koa app does (which logs and counts it). */
  listener: (req: IncomingMessage, res: ServerResponse) => void
  /** The same, for the requests split off before Koa: with a request id, an access line and a metric. */
  observedListener: (req: IncomingMessage, res: ServerResponse) => void
}

/**
 * Splits requests before Koa: paths under /oidc go to oidc-provider (its own Koa app), everything else
 * to Heimdall's app untouched, so Heimdall's routes (and the validation hot path) pay one string
 * comparison and never enter the provider. Without an OIDC host (HEIMDALL_OIDC_ENABLED off),
 * Heimdall's listener as is.
 */
export function withOidc(host: OidcHost | undefined, heimdall: RequestListener): RequestListener {
  if (!host) return heimdall
  const oidc = host.observedListener
  return function dispatch(req, res) {
    const url = req.url ?? '/'
    if (url.startsWith(OIDC_PREFIX) && (url.length === OIDC_PREFIX.length || '/?'.includes(url[OIDC_PREFIX.length]))) return oidc(req, res)
    return heimdall(req, res)
  }
}

/** The provider, built on first use (after migrations) and rebuilt when the signing key changes. */
export function createOidcHost(context: Context): OidcHost {
  const loadKeys = createProviderKeys(context.config, context.signingKeys)
  const pages = createProviderPages(pageBrandOf(loadBranding(context.config)), loadLocales(context.config.localesDir))
  const issuer = oidcIssuerOf(context.config)
  let current: { provider: Provider; callback: RequestListener; fingerprint: string; checkedAt: number } | undefined
  let pending: Promise<NonNullable<typeof current>> | undefined

  async function refresh(): Promise<NonNullable<typeof current>> {
    const keys = await loadKeys()
    if (current && current.fingerprint === keys.fingerprint) {
      current.checkedAt = Date.now()
      return current
    }
    // Loaded here, on first use: a server with OpenID Connect off never loads oidc-provider.
    const { buildProvider } = await import('./provider.js')
    const provider = buildProvider(context, keys, await knownClientScopes(context), pages)
    provider.on('server_error', (ctx: { req: IncomingMessage }, err: unknown) => context.logger.error({ err, req_id: oidcRequestIdOf(ctx.req) }, 'oidc provider error'))
    // The provider is a Koa app: without a listener of its own, Koa prints what escapes its
    // middleware to stderr, without the request id, past Heimdall's logger. Registered before
    // callback(), which adds Koa's printer only when there is none.
    provider.on('error', (err: unknown, ctx?: { req: IncomingMessage }) => logEscapedError(context, err, ctx?.req))
    current = { provider, callback: provider.callback() as RequestListener, fingerprint: keys.fingerprint, checkedAt: Date.now() }
    return current
  }

  function providerNow(): Promise<NonNullable<typeof current>> {
    if (current && Date.now() - current.checkedAt < KEY_CHECK_MS) return Promise.resolve(current)
    pending ??= refresh().finally(() => (pending = undefined))
    return pending
  }

  const listener = function oidcRequest(req: IncomingMessage, res: ServerResponse): void {
    setOidcSecurityHeaders(res)
    if (!context.ready) return answerJson(res, 503, { error: 'temporarily_unavailable', error_description: 'Heimdall is starting' })
    const path = pathBelowMount(req.url ?? '/')
    // One JWKS: the provider's jwks_uri answers Heimdall's key set, retired keys still in publication included.
    if (path === '/jwks' && (req.method === 'GET' || req.method === 'HEAD')) {
      nameOidcRoute(req, `${OIDC_PREFIX}/jwks`)
      // After the provider is built: building it creates the ID token key when there is none yet, and
      // a relying party that fetches the keys first must find the one that will sign.
      providerNow()
        .then(() => getJwks(context))
        .then((jwks) => answerJson(res, 200, jwks, { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` }))
        .catch((err: unknown) => fail(context, req, res, err))
      return
    }
    const handOver = () =>
      providerNow().then(({ callback }) => {
        const mounted = req as IncomingMessage & { originalUrl?: string }
        mounted.originalUrl = req.url
        req.url = path
        return callback(req, res)
      })
    // Authorization and logout by POST: the same request by GET, where the browser sends the provider's cookies.
    const postedTo = formPostEndpoint(req.method, path)
    if (postedTo) {
      nameOidcRoute(req, `${OIDC_PREFIX}${postedTo}`)
      redirectFormPost(req, res, issuer, postedTo).catch((err: unknown) => fail(context, req, res, err))
      return
    }
    // The credential endpoints spend the client's per-IP budget first, as Heimdall's command endpoints do.
    const limited = rateLimitedEndpoint(req.method, path)
    const answered = limited
      ? spendOidcBudget(context, req, limited).then((refusal) => {
          if (!refusal) return handOver()
          nameOidcRoute(req, limited)
          // The code entry is a page: a browser gets a page saying so, other clients the OAuth error.
          if (limited === CODE_ENTRY_ENDPOINT && acceptsHtml(req)) return answerPage(res, 429, pages.spentBudgetPage(refusal.retryAfterSeconds, req.headers['accept-language']), { 'Retry-After': String(refusal.retryAfterSeconds) })
          answerJson(res, 429, refusal.body, { 'Retry-After': String(refusal.retryAfterSeconds) })
        })
      : handOver()
    answered.catch((err: unknown) => fail(context, req, res, err))
  }
  return { listener, observedListener: observeOidcRequests(context, listener), provider: async () => (await providerNow()).provider }
}

/**
 * The path handed to the provider: what follows the mount point, always starting with "/" (the
 * provider's router reads the path from the URL and fails on one without it: `/oidc?x` is `/?x`).
 */
export function pathBelowMount(url: string): string {
  const rest = url.slice(OIDC_PREFIX.length)
  return rest.startsWith('/') ? rest : `/${rest}`
}

/** An error that escaped the provider's own handling: a client's fault (4xx) at info, anything else at error. */
function logEscapedError(context: Context, err: unknown, req: IncomingMessage | undefined): void {
  if (isClientAbort(err, req)) return logClientAbort(context.logger, err, req, req ? oidcRequestIdOf(req) : undefined)
  if (translateError(err)?.code === 'db.unavailable') return context.databaseOutage.down(err)
  const status = (err as { status?: unknown } | null)?.status
  const clientFault = typeof status === 'number' && status >= 400 && status < 500
  context.logger[clientFault ? 'info' : 'error']({ err, req_id: req ? oidcRequestIdOf(req) : undefined }, clientFault ? 'oidc request refused' : 'oidc request failed')
}

/** The headers of every Heimdall response, and no Referer from the provider's pages (their URLs carry codes and state). */
function setOidcSecurityHeaders(res: ServerResponse): void {
  setSecurityHeaders(res)
  res.setHeader('Referrer-Policy', 'no-referrer')
}

/** Answers an error of Heimdall's own steps around the provider: 400 for a client that hung up (logged at info), 503 for a database outage (reported once, as for Heimdall's routes), else 500. */
function fail(context: Context, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (isClientAbort(err, req)) {
    logClientAbort(context.logger, err, req, oidcRequestIdOf(req))
    if (!res.headersSent) answerJson(res, 400, { error: 'invalid_request', error_description: 'The request ended before its body was complete' })
    return
  }
  const outage = translateError(err)?.code === 'db.unavailable'
  if (outage) context.databaseOutage.down(err)
  else context.logger.error({ err, req_id: oidcRequestIdOf(req) }, 'oidc request failed')
  if (res.headersSent) return void res.end()
  if (outage) answerJson(res, 503, { error: 'temporarily_unavailable', error_description: 'Database unavailable: try again shortly' })
  else answerJson(res, 500, { error: 'server_error', error_description: 'An unexpected error occurred' })
}

/** The device flow's code entry form (a page people post), among the rate-limited endpoints. */
const CODE_ENTRY_ENDPOINT = `${OIDC_PREFIX}/device`

/** Whether the client asked for HTML (a browser's Accept names text/html; fetch and curl send *\/*). */
function acceptsHtml(req: IncomingMessage): boolean {
  return String(req.headers.accept ?? '').includes('text/html')
}

function answerPage(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': PAGE_CSP, ...headers })
  res.end(html)
}
