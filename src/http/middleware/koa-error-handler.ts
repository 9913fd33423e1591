import type { Middleware, ParameterizedContext } from 'koa'
import { HeimdallError } from '../../errors.js'
import { translateError } from '../../usecases/translate-error.js'

/** How errors on the hosted pages are answered: as HTML pages, not JSON. */
export interface PageErrors {
  isPagePath(path: string): boolean
  renderError(ctx: ParameterizedContext, error: HeimdallError): void
}

/**
 * Renders every error once, in the contract's shapes, each with the error's stable `code` beside the
 * contract's fields; internals never reach the client. Paths in
 * `oauthPaths` answer in the OAuth 2.0 error shape (RFC 6749 section 5.2) instead, and page paths
 * (`pages`) with an HTML page.
 */
export function koaErrorHandler(oauthPaths: ReadonlySet<string> = new Set(), pages?: PageErrors): Middleware {
  return async function errorHandler(ctx, next) {
    try {
      await next()
      // No route answered (404), or allowedMethods() answered with only the Allow header, which
      // RFC 9110 requires on a 405 and which stays on the JSON answer rendered here.
      const unanswered = ctx.body == null ? routeError(ctx.status) : undefined
      if (unanswered) throw unanswered
    } catch (caught) {
      const error = toHeimdallError(caught)
      // An aborted request is reported too: the app's listener logs it at info, as the client's doing.
      if (error.status >= 500 || error.code === 'request.aborted') {
        ctx.app.emit('error', caught, ctx)
      }
      ctx.status = error.status
      if (error.status === 401) ctx.set('WWW-Authenticate', 'Bearer')
      if (error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(error.retryAfterSeconds))
      if (pages?.isPagePath(ctx.path)) return pages.renderError(ctx, error)
      // `code` is the stable dotted code (errors.ts), so that a client never parses a message.
      ctx.body = oauthPaths.has(ctx.path)
        ? { error: oauthErrorOf(error), error_description: error.publicMessage, code: error.code }
        : error.code === 'validation.failed'
          ? { error: error.message, detail: error.details ?? [], code: error.code }
          : { error: error.publicMessage, status_code: error.status, path: ctx.path, code: error.code }
    }
  }
}

function toHeimdallError(error: unknown): HeimdallError {
  // The router's own answers first: they carry an HTTP status, not a Heimdall code.
  const status = error instanceof HeimdallError ? undefined : (error as { status?: number } | null)?.status
  return routeError(status) ?? translateError(error) ?? new HeimdallError('internal', 'Internal server error')
}

/** The router's own answers (no such route, no such method for it) as the contract's errors. */
function routeError(status: number | undefined): HeimdallError | undefined {
  if (status === 404) return new HeimdallError('route.not_found', 'Not found')
  if (status === 405 || status === 501) return new HeimdallError('route.method_not_allowed', 'Method not allowed')
  return undefined
}

function oauthErrorOf(error: HeimdallError): string {
  if (error.code.startsWith('oauth.')) return error.code.slice('oauth.'.length)
  if (error.status === 401) return 'invalid_token'
  if (error.status === 503) return 'temporarily_unavailable'
  if (error.status >= 500) return 'server_error'
  return 'invalid_request'
}
