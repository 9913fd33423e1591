import type Router from '@koa/router'
import type { ParameterizedContext } from 'koa'
import type { z } from 'zod'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { authorizeReceiver } from '../../usecases/ssf/authorize-receiver.js'
import { pollEvents } from '../../usecases/ssf/poll-events.js'
import { requestVerification, setStreamStatus } from '../../usecases/ssf/stream-status.js'
import { createStream, deleteOwnStream, listOwnStreams, ownedStream, streamViewOf, updateStream } from '../../usecases/ssf/streams.js'
import { getSsfConfiguration, SSF_PATHS } from '../../usecases/ssf/transmitter.js'
import { bearerToken } from '../bearer-token.js'
import { requestContexts } from '../request-context.js'
import { SsfPollRequest, SsfStreamCreateRequest, SsfStreamStatusRequest, SsfStreamUpdateRequest, SsfVerificationRequest } from '../schemas.js'

/** The most SETs one poll answers, whatever maxEvents asks. */
const MAX_EVENTS = 1000
const DEFAULT_MAX_EVENTS = 100

/**
 * The Shared Signals transmitter (OpenID SSF 1.0, docs/ssf.md): its configuration metadata, stream
 * management at the configuration endpoint (create POST, read GET, update PATCH/PUT, delete DELETE;
 * SSF 1.0 section 8.1.1), the status and verification endpoints, and poll delivery (RFC 8936). Every endpoint but the
 * metadata takes a client credentials token with the `ssf` scope (authorizeReceiver). A body is checked
 * against its schema (schemas.ts, which the OpenAPI document shows) before any stream is looked up.
 */
export function ssfRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  const receiver = (ctx: ParameterizedContext) => authorizeReceiver(contextOf(ctx), bearerToken(ctx.get('authorization')))

  router.get('/.well-known/ssf-configuration', (ctx) => {
    ctx.body = getSsfConfiguration(contextOf(ctx))
  })

  router.post(SSF_PATHS.configuration, async (ctx) => {
    const { clientId } = await receiver(ctx)
    checked(SsfStreamCreateRequest, ctx.request.body)
    ctx.status = 201
    ctx.body = await createStream(contextOf(ctx), clientId, ctx.request.body)
  })
  router.get(SSF_PATHS.configuration, async (ctx) => {
    const { clientId } = await receiver(ctx)
    const streamId = ctx.query.stream_id
    ctx.body = streamId === undefined ? await listOwnStreams(contextOf(ctx), clientId) : streamViewOf(contextOf(ctx), await ownedStream(contextOf(ctx), clientId, streamId))
  })
  router.patch(SSF_PATHS.configuration, async (ctx) => {
    const { clientId } = await receiver(ctx)
    checked(SsfStreamUpdateRequest, ctx.request.body)
    ctx.body = await updateStream(contextOf(ctx), clientId, ctx.request.body, false)
  })
  router.put(SSF_PATHS.configuration, async (ctx) => {
    const { clientId } = await receiver(ctx)
    checked(SsfStreamUpdateRequest, ctx.request.body)
    ctx.body = await updateStream(contextOf(ctx), clientId, ctx.request.body, true)
  })
  router.delete(SSF_PATHS.configuration, async (ctx) => {
    const { clientId } = await receiver(ctx)
    await deleteOwnStream(contextOf(ctx), clientId, ctx.query.stream_id)
    ctx.status = 204
  })

  router.get(SSF_PATHS.status, async (ctx) => {
    const { clientId } = await receiver(ctx)
    const row = await ownedStream(contextOf(ctx), clientId, ctx.query.stream_id)
    ctx.body = { stream_id: row.id, status: row.status, ...(row.status_reason === null ? {} : { reason: row.status_reason }) }
  })
  router.post(SSF_PATHS.status, async (ctx) => {
    const { clientId } = await receiver(ctx)
    checked(SsfStreamStatusRequest, ctx.request.body)
    ctx.body = await setStreamStatus(contextOf(ctx), clientId, ctx.request.body)
  })

  router.post(SSF_PATHS.verification, async (ctx) => {
    const { clientId } = await receiver(ctx)
    checked(SsfVerificationRequest, ctx.request.body)
    await requestVerification(contextOf(ctx), clientId, ctx.request.body)
    ctx.status = 204
  })

  router.post(`${SSF_PATHS.poll}/:streamId`, async (ctx) => {
    const { clientId } = await receiver(ctx)
    // No body is an empty poll (every member has its default); a body present must be the object.
    const input = checked(SsfPollRequest, ctx.request.body === undefined ? {} : ctx.request.body)
    const { ack = [], setErrs = {}, maxEvents = DEFAULT_MAX_EVENTS, returnImmediately = false } = input
    if (Object.keys(setErrs).length > MAX_EVENTS) throw invalid(`setErrs must name at most ${MAX_EVENTS} jti`)
    const hangUp = new AbortController()
    ctx.req.once('close', () => hangUp.abort())
    ctx.body = await pollEvents(contextOf(ctx), clientId, {
      streamId: ctx.params.streamId,
      ack,
      errors: Object.keys(setErrs),
      maxEvents: Math.min(maxEvents, MAX_EVENTS),
      returnImmediately,
      signal: hangUp.signal,
    })
  })
}

function invalid(message: string): HeimdallError {
  return new HeimdallError('ssf.invalid_request', message)
}

/**
 * `input` as `schema` reads it, or 400 ssf.invalid_request naming the first member at fault (SSF 1.0's
 * stream management answers a malformed request 400, RFC 8936 a malformed poll). Unknown members are
 * ignored.
 */
function checked<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  throw invalid(issue.path.length === 0 ? 'The body must be a JSON object' : `${issue.path.join('.')}: ${issue.message}`)
}
