import type { Middleware } from 'koa'
import { HeimdallError } from '../../errors.js'
import { translateDatabaseError } from '../../infra/db/database-errors.js'

/**
 * Renders every error once, in the contract's shapes; internals never reach the client. Paths in
 * `oauthPaths` answer in the OAuth 2.0 error shape (RFC 6749 section 5.2) instead.
 */
export function koaErrorHandler(oauthPaths: ReadonlySet<string> = new Set()): Middleware {
  return async function errorHandler(ctx, next) {
    try {
      await next()
      if (ctx.status === 404 && ctx.body == null) throw new HeimdallError('route.not_found', 'Not found')
      // allowedMethods() answered with the Allow header (RFC 9110 requires it on a 405) and no body.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body == null) throw new HeimdallError('route.method_not_allowed', 'Method not allowed')
    } catch (caught) {
      const error = toHeimdallError(caught)
      if (error.status >= 500) {
        ctx.app.emit('error', caught, ctx)
      }
      ctx.status = error.status
      if (error.status === 401) ctx.set('WWW-Authenticate', 'Bearer')
      if (error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(error.retryAfterSeconds))
      ctx.body = oauthPaths.has(ctx.path)
        ? { error: oauthErrorOf(error), error_description: error.expose ? error.message : 'Internal server error' }
        : error.code === 'validation.failed'
          ? { error: error.message, detail: error.details ?? [] }
          : { error: error.expose ? error.message : 'Internal server error', status_code: error.status, path: ctx.path }
    }
  }
}

function toHeimdallError(error: unknown): HeimdallError {
  if (error instanceof HeimdallError) return error
  const status = (error as { status?: number; expose?: boolean } | null)?.status
  if (status === 405 || status === 501) return new HeimdallError('route.method_not_allowed', 'Method not allowed')
  if (status === 404) return new HeimdallError('route.not_found', 'Not found')
  return translateDatabaseError(error) ?? new HeimdallError('internal', 'Internal server error')
}

function oauthErrorOf(error: HeimdallError): string {
  if (error.code.startsWith('oauth.')) return error.code.slice('oauth.'.length)
  if (error.status === 401) return 'invalid_token'
  if (error.status === 503) return 'temporarily_unavailable'
  if (error.status >= 500) return 'server_error'
  return 'invalid_request'
}
