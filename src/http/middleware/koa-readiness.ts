import type { Middleware } from 'koa'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { inArea, NEEDS_READY_PREFIXES } from '../route-table.js'

/** Until migrations are applied, only probes and docs answer; the API says it is not ready yet. */
export function koaReadiness(context: Context): Middleware {
  return function readiness(ctx, next) {
    if (!context.ready && inArea(ctx.path, NEEDS_READY_PREFIXES)) {
      throw new HeimdallError('service.not_ready', 'Service is starting: database migrations are not applied yet')
    }
    return next()
  }
}
