import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import { createRevocationSet, type RevocationSet } from './revocations.js'

const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked'
const TOKEN_CLAIMS_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/token-claims-change'
const POLL = 'urn:ietf:rfc:8936'

export interface StreamRevocationsOptions {
  /** The stream's poll endpoint (its `delivery.endpoint_url`), e.g. `https://auth.example.com/ssf/poll/<stream_id>`. */
  pollUrl?: string | URL
  /**
   * Or Heimdall's transmitter configuration (`https://auth.example.com/.well-known/ssf-configuration`):
   * a poll stream of this process's own is created there, and deleted by close(). A stream must not be
   * polled by several processes: they would split its events.
   */
  transmitterConfigUrl?: string | URL
  /** A client credentials access token with the `ssf` scope, or a function answering a fresh one (called before every request: cache it). */
  accessToken: string | (() => Promise<string>)
  /** Heimdall's JWKS (the same as the verifier's). */
  jwksUri: string | URL
  /** The transmitter's issuer: Heimdall's public URL (the `issuer` of its ssf-configuration). */
  issuer: string
  /** The stream's audience: the client id of the access token. */
  audience: string
  /** Time between polls, ms (default 500). */
  intervalMs?: number
  /** Revocations are not trusted once the last successful poll is older than this, ms (default 30000). */
  maxStalenessMs?: number
  /** How long a revocation is kept, seconds: at least the longest access-token lifetime (default 900). */
  retainSeconds?: number
  /** The set to feed (default: a new one). */
  set?: RevocationSet
  /** The clock, ms since the epoch (tests). */
  now?: () => number
}

export interface StreamRevocations {
  /** The revocation set the stream feeds: give this object as a verifier's `revocations`. */
  set: RevocationSet
  /** Why revocations cannot be trusted now (no poll yet, or the last good one too long ago), or undefined. */
  unavailable(): string | undefined
  /** Resolves after the first successful poll (rejects never; check unavailable()). */
  ready: Promise<void>
  /** Stops polling, and deletes the stream it made (transmitterConfigUrl). */
  close(): Promise<void>
}

/**
 * Keeps a RevocationSet fed from Heimdall's Shared Signals stream (poll delivery, RFC 8936): every
 * `intervalMs` it acknowledges what it applied and asks for what is new. Each SET is verified with
 * the JWKS (typ secevent+jwt, iss, aud) before it is believed; one that fails is reported back in
 * `setErrs` and ignored. CAEP session-revoked for one session revokes that `sid`; for a user (several
 * sessions, a disabled account, a reset) and token-claims-change (roles changed), every session of
 * the user issued at or before event_timestamp. A SET seen before (its jti) or older than
 * `retainSeconds` is acknowledged and not applied again. Throws TypeError unless exactly one of pollUrl and
 * transmitterConfigUrl is given. Fails closed: `unavailable()` answers a reason until
 * the first poll succeeds and whenever the last success is older than `maxStalenessMs`.
 */
export function createStreamRevocations(options: StreamRevocationsOptions): StreamRevocations {
  if ((options.pollUrl === undefined) === (options.transmitterConfigUrl === undefined)) throw new TypeError('createStreamRevocations needs one of pollUrl and transmitterConfigUrl')
  const now = options.now ?? Date.now
  const intervalMs = options.intervalMs ?? 500
  const maxStalenessMs = options.maxStalenessMs ?? 30_000
  const set = options.set ?? createRevocationSet({ retainSeconds: options.retainSeconds ?? 900 })
  const jwks = createRemoteJWKSet(new URL(options.jwksUri))
  const tokenOf = typeof options.accessToken === 'string' ? ((token: string) => async () => token)(options.accessToken) : options.accessToken
  let pollUrl: string | undefined = options.pollUrl === undefined ? undefined : String(options.pollUrl)
  let lastSuccess: number | undefined
  let lastError = 'the revocation stream has not been read yet'
  let ack: string[] = []
  let setErrs: Record<string, { err: string; description: string }> = {}
  let closed = false
  let ownStream: { configurationEndpoint: string; id: string } | undefined
  let timer: NodeJS.Timeout | undefined
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  async function request(url: string, method: string, body?: unknown): Promise<any> {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${await tokenOf()}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(Math.max(5_000, intervalMs * 4)),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 200)}`)
    return text === '' ? undefined : JSON.parse(text)
  }

  /**
   * A poll stream of this process's own, made at the transmitter's configuration endpoint. Not an
   * existing stream of the client: processes polling one stream split its events between them (each
   * acknowledges what it got, and the others never see it), so each process needs its own.
   */
  async function createOwnStream(): Promise<string> {
    const config = await request(String(options.transmitterConfigUrl), 'GET')
    const created = await request(config.configuration_endpoint, 'POST', { delivery: { method: POLL }, description: `@heimdall/verify pid ${process.pid}` })
    ownStream = { configurationEndpoint: config.configuration_endpoint, id: created.stream_id }
    return created.delivery.endpoint_url
  }

  /** jti of each SET applied, with its iat (epoch seconds), kept as long as revocations are. */
  const applied = new Map<string, number>()
  const retainSeconds = options.retainSeconds ?? 900
  let nextPrune = 0

  /**
   * A SET applied once is not applied again (its jti, RFC 8417 section 2.2), and one issued longer
   * ago than revocations are kept can refuse no token still valid: both are acknowledged and
   * ignored. The revocation instant is the event's (CAEP event_timestamp, else the SET's iat), never
   * the time it arrived: a SET delivered again later, by a transmitter that lost an acknowledgement
   * or by anyone replaying it, cannot move a user's revocation forward onto tokens issued since.
   */
  function isReplay(jti: string, payload: JWTPayload): boolean {
    const nowSeconds = Math.floor(now() / 1000)
    if (nowSeconds >= nextPrune) {
      nextPrune = nowSeconds + 60
      for (const [seen, iat] of applied) if (iat < nowSeconds - retainSeconds) applied.delete(seen)
    }
    if (applied.has(jti)) return true
    if (typeof payload.iat === 'number' && payload.iat < nowSeconds - retainSeconds) return true
    applied.set(jti, typeof payload.iat === 'number' ? payload.iat : nowSeconds)
    return false
  }

  function apply(payload: JWTPayload): void {
    const events = (payload.events ?? {}) as Record<string, { event_timestamp?: number }>
    const subject = payload.sub_id as { format?: string; sub?: string; user?: { sub?: string }; session?: { id?: string } } | undefined
    for (const [uri, event] of Object.entries(events)) {
      const at = typeof event.event_timestamp === 'number' ? event.event_timestamp : typeof payload.iat === 'number' ? payload.iat : Math.floor(now() / 1000)
      if (uri !== SESSION_REVOKED && uri !== TOKEN_CLAIMS_CHANGE) continue
      if (uri === SESSION_REVOKED && subject?.format === 'complex' && subject.session?.id) set.revokeSession(subject.session.id, at)
      else if (subject?.format === 'complex' && subject.user?.sub) set.revokeUser(subject.user.sub, at)
      else if (subject?.format === 'iss_sub' && subject.sub) set.revokeUser(subject.sub, at)
    }
  }

  async function pollOnce(): Promise<boolean> {
    pollUrl ??= await createOwnStream()
    const answer = (await request(pollUrl, 'POST', { ack, setErrs, returnImmediately: true, maxEvents: 200 })) as { sets?: Record<string, string>; moreAvailable?: boolean }
    ack = []
    setErrs = {}
    for (const [jti, token] of Object.entries(answer.sets ?? {})) {
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, audience: options.audience, typ: 'secevent+jwt' })
        if (!isReplay(payload.jti ?? jti, payload)) apply(payload)
        ack.push(jti)
      } catch (error) {
        setErrs[jti] = { err: 'invalid_request', description: error instanceof Error ? error.message : String(error) }
      }
    }
    return answer.moreAvailable === true
  }

  async function loop(): Promise<void> {
    if (closed) return
    let more = false
    try {
      more = await pollOnce()
      lastSuccess = now()
      lastError = 'no poll has succeeded since'
      markReady()
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error)
    }
    if (closed) return
    timer = setTimeout(() => void loop(), more ? 0 : intervalMs)
    timer.unref?.()
  }
  void loop()

  return {
    set,
    ready,
    unavailable() {
      if (lastSuccess === undefined) return `Revocations unknown: ${lastError}`
      const silent = now() - lastSuccess
      if (silent > maxStalenessMs) return `Revocation stream silent for ${Math.round(silent / 1000)} s (bound ${Math.round(maxStalenessMs / 1000)} s): ${lastError}`
      return undefined
    },
    async close() {
      closed = true
      clearTimeout(timer)
      // The stream made for this process goes with it (one left by a crash: heimdall stream:delete).
      if (ownStream) await request(`${ownStream.configurationEndpoint}?stream_id=${encodeURIComponent(ownStream.id)}`, 'DELETE').catch(() => undefined)
    },
  }
}
