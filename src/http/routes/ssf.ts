import type Router from '@koa/router'
import type { ParameterizedContext } from 'koa'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { authorizeReceiver } from '../../usecases/ssf/authorize-receiver.js'
import { pollEvents } from '../../usecases/ssf/poll-events.js'
import { requestVerification, setStreamStatus } from '../../usecases/ssf/stream-status.js'
import { createStream, deleteOwnStream, listOwnStreams, ownedStream, streamViewOf, updateStream } from '../../usecases/ssf/streams.js'
import { getSsfConfiguration, SSF_PATHS } from '../../usecases/ssf/transmitter.js'
import { bearerToken } from '../bearer-token.js'
import { requestContexts } from '../request-context.js'

/** The most SETs one poll answers, whatever maxEvents asks. */
const MAX_EVENTS = 1000
const DEFAULT_MAX_EVENTS = 100

/**
 * The Shared Signals transmitter (OpenID SSF 1.0, docs/ssf.md): its configuration metadata, stream
 * management at the configuration endpoint (create POST, read GET, update PATCH/PUT, delete DELETE;
 * SSF 1.0 section 8.1.1), the status and verification endpoints, and poll delivery (RFC 8936). Every endpoint but the
 * metadata takes a client credentials token with the `ssf` scope (authorizeReceiver).
 */
export function ssfRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  const receiver = (ctx: ParameterizedContext) => authorizeReceiver(contextOf(ctx), bearerToken(ctx.get('authorization')))

  router.get('/.well-known/ssf-configuration', (ctx) => {
    ctx.body = getSsfConfiguration(contextOf(ctx))
  })

  router.post(SSF_PATHS.configuration, async (ctx) => {
    const { clientId } = await receiver(ctx)
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
    ctx.body = await updateStream(contextOf(ctx), clientId, ctx.request.body, false)
  })
  router.put(SSF_PATHS.configuration, async (ctx) => {
    const { clientId } = await receiver(ctx)
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
    ctx.body = await setStreamStatus(contextOf(ctx), clientId, ctx.request.body)
  })

  router.post(SSF_PATHS.verification, async (ctx) => {
    const { clientId } = await receiver(ctx)
    await requestVerification(contextOf(ctx), clientId, ctx.request.body)
    ctx.status = 204
  })

  router.post(`${SSF_PATHS.poll}/:streamId`, async (ctx) => {
    const { clientId } = await receiver(ctx)
    const body = ctx.request.body ?? {}
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object')
    const input = body as Record<string, unknown>
    const ack = input.ack ?? []
    if (!Array.isArray(ack) || ack.length > MAX_EVENTS || !ack.every((jti) => typeof jti === 'string')) throw invalid(`ack must be an array of at most ${MAX_EVENTS} jti strings`)
    const setErrs = input.setErrs ?? {}
    if (typeof setErrs !== 'object' || setErrs === null || Array.isArray(setErrs) || Object.keys(setErrs).length > MAX_EVENTS) throw invalid('setErrs must be an object of jti to { err, description }')
    const maxEvents = input.maxEvents ?? DEFAULT_MAX_EVENTS
    if (typeof maxEvents !== 'number' || !Number.isInteger(maxEvents) || maxEvents < 0) throw invalid('maxEvents must be a non-negative integer')
    const returnImmediately = input.returnImmediately ?? false
    if (typeof returnImmediately !== 'boolean') throw invalid('returnImmediately must be a boolean')
    const hangUp = new AbortController()
    ctx.req.once('close', () => hangUp.abort())
    ctx.body = await pollEvents(contextOf(ctx), clientId, {
      streamId: ctx.params.streamId,
      ack: ack as string[],
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
