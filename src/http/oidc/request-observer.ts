import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Context } from '../../context.js'
import { CLIENT_ABORTED_STATUS, logClientAbort } from '../client-abort.js'
import { finishObservation, startObservation } from '../request-observation.js'
import { pathOfUrl } from '../request-path.js'
import { OIDC_PREFIX } from './paths.js'

/** The route label of a request under /oidc that no endpoint took (or refused before the provider ran). */
export const UNMATCHED_OIDC_ROUTE = `${OIDC_PREFIX}/*`
/** Requests a resource server makes for every call it serves, logged at debug like Heimdall's /oauth/introspect. */
const QUIET_ROUTES: ReadonlySet<string> = new Set([`${OIDC_PREFIX}/token/introspection`])

const OBSERVED = Symbol('heimdall.oidcRequest')
interface Observed {
  requestId: string
  route?: string
  refusal?: OAuthRefusal
}

/** Why a request under /oidc was refused: the OAuth error it was answered (RFC 6749 section 5.2), and the client when known. */
export interface OAuthRefusal {
  error: string
  error_description?: string
  client_id?: string
}
type ObservedRequest = IncomingMessage & { [OBSERVED]?: Observed }

/**
 * What koaRequestObserver gives Heimdall's routes (request-observation.ts: an X-Request-Id, one
 * access line without the query, which carries codes and tokens, a count and its latency by method,
 * route and status), for the requests split off to the provider before Koa (mount.ts), whose
 * response is done when it closes. The route is bounded: the provider's route pattern (`/oidc/token`,
 * `/oidc/auth/:uid`), or `/oidc/*` for a path no endpoint serves, never the raw path. A refused
 * request (noteOAuthRefusal) adds `error`, `error_description` and `client_id` to its line, at info
 * even on a quiet route: the operator sees why without the relying party's log.
 */
export function observeOidcRequests(context: Context, listener: RequestListener): RequestListener {
  return function observedOidcRequest(req: ObservedRequest, res: ServerResponse) {
    const observation = startObservation(context, res, req.headers['x-request-id'])
    const observed: Observed = { requestId: observation.requestId }
    req[OBSERVED] = observed
    const method = req.method ?? 'GET'
    const path = pathOfUrl(req.url ?? '/')
    res.once('close', () => {
      const route = observed.route ?? UNMATCHED_OIDC_ROUTE
      // The client hung up before its request was whole: the provider never answered it, and the
      // status still set (200, or a 5xx from its failed body read) would say otherwise.
      const aborted = !req.complete && !res.writableFinished
      if (aborted) logClientAbort(context.logger, undefined, req, observation.requestId)
      const status = aborted ? CLIENT_ABORTED_STATUS : res.statusCode
      const { refusal } = observed
      finishObservation(context, observation, { method, path, route, status, quiet: QUIET_ROUTES.has(route) && !refusal, fields: refusal })
    })
    return listener(req, res)
  }
}

/** Names the route a request was served by (`/oidc/jwks`, `/oidc/token` ...), for its metric. */
export function nameOidcRoute(req: IncomingMessage, route: string): void {
  const observed = (req as ObservedRequest)[OBSERVED]
  if (observed) observed.route = route
}

/**
 * Notes the OAuth error a request is answered with, for its access line. Only the error code, its
 * description (what the client was told, which never holds a presented secret) and the client id.
 */
export function noteOAuthRefusal(req: IncomingMessage | undefined, refusal: OAuthRefusal): void {
  const observed = req && (req as ObservedRequest)[OBSERVED]
  if (!observed) return
  observed.refusal = {
    error: refusal.error,
    ...(refusal.error_description === undefined ? {} : { error_description: refusal.error_description }),
    ...(refusal.client_id === undefined ? {} : { client_id: refusal.client_id }),
  }
}

/** The request id observeOidcRequests gave a request, for the lines logged while serving it. */
export function oidcRequestIdOf(req: IncomingMessage): string | undefined {
  return (req as ObservedRequest)[OBSERVED]?.requestId
}
