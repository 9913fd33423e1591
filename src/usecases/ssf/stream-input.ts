import { DELIVERY_METHODS, PUSH_DELIVERY, SUPPORTED_EVENTS, type DeliveryMethod } from '../../domain/ssf.js'
import { HeimdallError } from '../../errors.js'

/** A stream's settings as a receiver gives them (SSF 1.0 section 8.1.1), checked. */
export interface StreamSettings {
  eventsRequested: string[]
  description: string | null
  method: DeliveryMethod
  endpointUrl: string | null
  /** The push endpoint's Authorization header value, in plaintext (sealed before it is stored). */
  authorizationHeader: string | null
}

const invalid = (message: string) => new HeimdallError('ssf.invalid_request', message)

/**
 * Reads a create or update body: `events_requested` (CAEP URIs; unknown ones are not delivered, none
 * given means every supported one), `description`, `delivery { method, endpoint_url,
 * authorization_header }`. For poll the transmitter supplies endpoint_url; for push it must be an
 * absolute http(s) URL without credentials. `base` fills what the body leaves out (PATCH). Throws
 * ssf.invalid_request naming the field.
 */
export function readStreamSettings(body: unknown, base?: StreamSettings): StreamSettings {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object')
  const input = body as Record<string, unknown>
  let eventsRequested = base?.eventsRequested ?? [...SUPPORTED_EVENTS]
  if (input.events_requested !== undefined) {
    const raw = input.events_requested
    if (!Array.isArray(raw) || raw.length > 50 || !raw.every((uri) => typeof uri === 'string' && uri.length <= 500)) throw invalid('events_requested must be an array of event-type URIs')
    eventsRequested = [...new Set(raw as string[])]
  }
  let description = base?.description ?? null
  if (input.description !== undefined) {
    if (input.description !== null && (typeof input.description !== 'string' || input.description.length > 500)) throw invalid('description must be a string of at most 500 characters')
    description = input.description as string | null
  }
  let method = base?.method ?? ('urn:ietf:rfc:8936' as DeliveryMethod)
  let endpointUrl = base?.endpointUrl ?? null
  let authorizationHeader = base?.authorizationHeader ?? null
  if (input.delivery !== undefined) {
    const delivery = input.delivery as Record<string, unknown>
    if (typeof delivery !== 'object' || delivery === null || Array.isArray(delivery)) throw invalid('delivery must be an object')
    if (!(DELIVERY_METHODS as readonly unknown[]).includes(delivery.method)) throw invalid(`delivery.method must be one of ${DELIVERY_METHODS.join(', ')}`)
    method = delivery.method as DeliveryMethod
    endpointUrl = null
    authorizationHeader = null
    if (method === PUSH_DELIVERY) {
      endpointUrl = pushEndpointOf(delivery.endpoint_url)
      if (delivery.authorization_header !== undefined && delivery.authorization_header !== null) {
        if (typeof delivery.authorization_header !== 'string' || delivery.authorization_header.length > 4096 || /[\r\n]/.test(delivery.authorization_header)) {
          throw invalid('delivery.authorization_header must be one header value of at most 4096 characters')
        }
        authorizationHeader = delivery.authorization_header
      }
    } else if (delivery.endpoint_url !== undefined) {
      throw invalid('delivery.endpoint_url is the transmitter\'s to supply for poll delivery')
    }
  }
  return { eventsRequested, description, method, endpointUrl, authorizationHeader }
}

/**
 * A push endpoint: absolute http or https, no user credentials in it. Other schemes (file:, data:,
 * gopher: ...) are refused; which hosts it may name is the operator's business (docs/ssf.md).
 */
function pushEndpointOf(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 2000) throw invalid('delivery.endpoint_url is required for push delivery')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw invalid('delivery.endpoint_url must be an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('delivery.endpoint_url must be http or https')
  if (url.username || url.password) throw invalid('delivery.endpoint_url must not carry credentials: use delivery.authorization_header')
  return url.href
}
