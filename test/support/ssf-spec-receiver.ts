// A Shared Signals receiver written from the specifications, not from Heimdall's code: it imports
// nothing from src/ or packages/ (only jose, to verify JWS signatures), so a transmitter that drifts
// from the specs cannot be matched by a receiver that drifted with it. It knows the transmitter only
// by its issuer URL; everything else it learns as the specs say:
//   OpenID Shared Signals Framework 1.0 (SSF): section 7.1 (transmitter configuration metadata),
//     7.2 (where the metadata is, and that its issuer must be the one asked for), 8.1.1.1 (creating
//     a stream at the configuration endpoint), 6.1.2 (poll delivery: the transmitter names the URL);
//   RFC 8936 (poll-based SET delivery): sections 2.2 and 2.4 (the poll request: ack, setErrs,
//     maxEvents, returnImmediately; an acknowledged SET is not delivered again), 2.3 (the response:
//     sets keyed by jti, moreAvailable), 2.6 (reporting a SET in error instead of acknowledging it,
//     with the error codes of RFC 8935 section 2.4);
//   RFC 8417 (Security Event Token): section 2.2 (iss, iat, jti, aud, events), 2.3 (typ secevent+jwt);
//   CAEP 1.0 section 3.1 (session-revoked).
// The access token comes from the caller: SSF's authorization scheme is OAuth 2.0 (RFC 6749), and
// how a client is registered with the authorization server is the operator's business.
import { createRemoteJWKSet, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose'

/** SSF 1.0 section 6.1.2: the delivery method URN of poll delivery (RFC 8936). */
export const POLL_DELIVERY = 'urn:ietf:rfc:8936'
/** CAEP 1.0 section 3.1. */
export const CAEP_SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked'
/** RFC 8417 section 2.3: the `typ` header of a SET (its media type without `application/`). */
const SET_TYP = 'secevent+jwt'
/** SETs are signed with the transmitter's published (asymmetric) keys; never `none`, never an HMAC. */
const SET_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA']

/** The members of the transmitter metadata (SSF 1.0 section 7.1) this receiver uses. */
export interface TransmitterMetadata {
  issuer: string
  jwks_uri: string
  delivery_methods_supported: string[]
  configuration_endpoint: string
}

/** A SET verified as RFC 8417 and SSF ask: signature, typ, iss, aud, jti, events. */
export interface ReceivedSet {
  jti: string
  header: JWTHeaderParameters
  payload: JWTPayload & { events: Record<string, Record<string, unknown>>; sub_id?: Record<string, any> }
}

/**
 * Reads the transmitter's metadata from where SSF 1.0 section 7.2 puts it for `issuer`
 * (`/.well-known/ssf-configuration` inserted between the host and the issuer's path), and refuses
 * metadata whose `issuer` is not the one asked for (section 7.2), or that lacks what poll delivery
 * needs. Throws with the reason.
 */
export async function discoverTransmitter(issuer: string): Promise<TransmitterMetadata> {
  const url = new URL(issuer)
  const path = url.pathname === '/' ? '' : url.pathname
  url.pathname = `/.well-known/ssf-configuration${path}`
  const response = await fetch(url)
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  const metadata = (await response.json()) as Partial<TransmitterMetadata>
  if (metadata.issuer !== issuer) throw new Error(`the metadata names issuer ${metadata.issuer}, not ${issuer}`)
  for (const member of ['jwks_uri', 'configuration_endpoint'] as const) {
    if (typeof metadata[member] !== 'string') throw new Error(`the metadata has no ${member}`)
  }
  if (!metadata.delivery_methods_supported?.includes(POLL_DELIVERY)) throw new Error('the transmitter does not offer poll delivery')
  return metadata as TransmitterMetadata
}

export interface PollReceiver {
  /** SSF 1.0 section 8.1.1.1: creates a poll stream; answers its id and the poll URL the transmitter chose (section 6.1.2). */
  createStream(eventsRequested: string[]): Promise<{ streamId: string; pollUrl: string; eventsDelivered: string[] }>
  /**
   * One poll (RFC 8936 section 2.2), acknowledging what the previous polls verified and reporting
   * what failed verification in setErrs; answers the SETs verified this time (section 2.3) and what
   * was refused, by jti. What it verified is acknowledged on the next poll.
   */
  poll(pollUrl: string, options: { maxEvents: number; returnImmediately: boolean }): Promise<{ sets: ReceivedSet[]; refused: Record<string, string>; moreAvailable: boolean; acknowledged: string[] }>
}

/** A poll receiver for the stream audience `audience` (the `aud` its SETs carry), calling with `accessToken`. */
export function createPollReceiver(metadata: TransmitterMetadata, options: { accessToken: string; audience: string }): PollReceiver {
  const keys = createRemoteJWKSet(new URL(metadata.jwks_uri))
  let toAcknowledge: string[] = []
  let toReport: Record<string, { err: string; description: string }> = {}

  async function call(url: string, body: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
  }

  async function verify(jti: string, compact: string): Promise<ReceivedSet> {
    const { payload, protectedHeader } = await jwtVerify(compact, keys, { issuer: metadata.issuer, audience: options.audience, typ: SET_TYP, algorithms: SET_ALGORITHMS })
    // RFC 8417 section 2.2: jti and iat are required; RFC 8936 section 2.3 keys each SET by its jti.
    if (payload.jti !== jti) throw new Error(`the SET's jti ${String(payload.jti)} is not its key ${jti}`)
    if (typeof payload.iat !== 'number') throw new Error('the SET has no iat')
    // RFC 8417 section 2.2: events is an object of event-type URIs, each an object.
    const events = payload.events
    if (typeof events !== 'object' || events === null || Array.isArray(events) || Object.keys(events).length === 0) throw new Error('the SET has no events')
    for (const [uri, event] of Object.entries(events)) {
      if (!URL.canParse(uri) || typeof event !== 'object' || event === null) throw new Error(`the event ${uri} is not a URI with an object`)
    }
    return { jti, header: protectedHeader, payload: payload as ReceivedSet['payload'] }
  }

  return {
    async createStream(eventsRequested) {
      const created = await call(metadata.configuration_endpoint, { delivery: { method: POLL_DELIVERY }, events_requested: eventsRequested })
      if (created.status !== 201) throw new Error(`creating the stream answered ${created.status} ${JSON.stringify(created.json)}`)
      const { stream_id: streamId, delivery, events_delivered: eventsDelivered } = created.json
      if (delivery?.method !== POLL_DELIVERY || typeof delivery.endpoint_url !== 'string') throw new Error(`the stream is not a poll stream with a URL: ${JSON.stringify(delivery)}`)
      return { streamId, pollUrl: delivery.endpoint_url, eventsDelivered }
    },

    async poll(pollUrl, { maxEvents, returnImmediately }) {
      const acknowledged = toAcknowledge
      const body = { ack: acknowledged, maxEvents, returnImmediately, ...(Object.keys(toReport).length > 0 ? { setErrs: toReport } : {}) }
      const answer = await call(pollUrl, body)
      if (answer.status !== 200) throw new Error(`the poll answered ${answer.status} ${JSON.stringify(answer.json)}`)
      // The transmitter has the acknowledgements and reports once it answered 200 (RFC 8936 section 2.4).
      toAcknowledge = []
      toReport = {}
      const { sets, moreAvailable } = answer.json as { sets: Record<string, string>; moreAvailable?: boolean }
      if (typeof sets !== 'object' || sets === null) throw new Error(`the poll answer has no sets: ${JSON.stringify(answer.json)}`)
      const verified: ReceivedSet[] = []
      const refused: Record<string, string> = {}
      for (const [jti, compact] of Object.entries(sets)) {
        try {
          verified.push(await verify(jti, compact))
          toAcknowledge.push(jti)
        } catch (error) {
          refused[jti] = (error as Error).message
          toReport[jti] = { err: errorCodeOf(error), description: (error as Error).message }
        }
      }
      return { sets: verified, refused, moreAvailable: moreAvailable === true, acknowledged }
    },
  }
}

/** RFC 8935 section 2.4's code for why a SET was refused, reported per RFC 8936 section 2.6. */
function errorCodeOf(error: unknown): string {
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss') return 'invalid_issuer'
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return 'invalid_audience'
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JOSEAlgNotAllowed) return 'invalid_key'
  return 'invalid_request'
}
