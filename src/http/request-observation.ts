import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { Metrics } from '../context.js'
import type { Logger } from '../infra/logger.js'
import { SAFE_REQUEST_ID } from './request-id.js'

/**
 * What every request leaves behind, on both sides of Heimdall (its Koa app, koa-request-observer.ts,
 * and the OpenID provider under /oidc, oidc/request-observer.ts), at the same two moments:
 * - when it starts (startObservation): a request id, the client's X-Request-Id if safe, else a
 *   generated one, answered in X-Request-Id; the request counted (for /health/detailed);
 * - when it is done (finishObservation): its latency by method, route pattern and status (for
 *   /metrics; the route is a pattern, never the raw path, so that scanners cannot create a series per
 *   URL) and one access line (`req_id`, `method`, `path` without its query, `status`, `duration_ms`,
 *   docs/observability.md), at debug for a quiet route that did not fail, else at info.
 */
export interface Observation {
  requestId: string
  /** performance.now() when the request started (milliseconds). */
  started: number
}

/** What an observation reports to. */
export interface ObservationSinks {
  logger: Logger
  metrics: Metrics
}

/** Starts observing a request: its id (answered in X-Request-Id) from the client's `incomingId` when safe, and the count. */
export function startObservation(sinks: ObservationSinks, res: ServerResponse, incomingId: unknown): Observation {
  const requestId = typeof incomingId === 'string' && SAFE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID()
  res.setHeader('X-Request-Id', requestId)
  sinks.metrics.totalRequests++
  return { requestId, started: performance.now() }
}

/** How a request ended: what its metric and access line say. */
export interface ObservedEnd {
  method: string
  /** The path without its query string. */
  path: string
  /** The route pattern (bounded), for the metric. */
  route: string
  status: number
  /** A route whose lines are debug unless it failed (status 500 and over): validation, introspection. */
  quiet: boolean
  /** More fields for the access line (a refusal's OAuth error). */
  fields?: object
}

/** Ends observing a request: its metric, and its access line when the logger's level wants it. */
export function finishObservation(sinks: ObservationSinks, observation: Observation, end: ObservedEnd): void {
  const seconds = (performance.now() - observation.started) / 1000
  sinks.metrics.observeRequest(end.method, end.route, end.status, seconds)
  const level = end.quiet && end.status < 500 ? 'debug' : 'info'
  if (sinks.logger.isLevelEnabled(level)) {
    sinks.logger[level]({ req_id: observation.requestId, method: end.method, path: end.path, status: end.status, duration_ms: Math.round(seconds * 100_000) / 100, ...end.fields }, 'request')
  }
}
