import { isIP } from 'node:net'
import { checkEventPattern } from './events.js'
import { isForbiddenAddress } from './private-address.js'
import type { FieldError } from '../errors.js'

/** [a-z0-9-], 1 to 64: it names the endpoint in every webhook:* command and in metrics labels. */
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/

export interface EndpointInput {
  url: string
  name: string
  events: string[]
}

/**
 * The problems of a new endpoint, one FieldError each: an http(s) URL without credentials or
 * fragment (an IP literal in a private range refused here already unless `allowPrivate`; names are
 * checked on every delivery, on the address connected to), a name, and at least one event pattern
 * that can match something.
 */
export function endpointProblems(input: EndpointInput, allowPrivate: boolean): FieldError[] {
  const problems: FieldError[] = []
  const problem = (loc: string, msg: string) => problems.push({ loc: [loc], msg, type: 'value_error' })
  let url: URL | undefined
  try {
    url = new URL(input.url)
  } catch {
    problem('url', 'must be an absolute http:// or https:// URL')
  }
  if (url) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problem('url', 'must be an http:// or https:// URL')
    else if (url.username || url.password) problem('url', 'must not carry credentials: the signature authenticates Heimdall')
    else if (url.hash) problem('url', 'must not have a #fragment')
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (!allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host)) problem('url', `${host} is a loopback, private, link-local or metadata address (HEIMDALL_WEBHOOK_ALLOW_PRIVATE=true allows it)`)
    if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) problem('url', 'localhost is refused (HEIMDALL_WEBHOOK_ALLOW_PRIVATE=true allows it)')
  }
  if (!NAME.test(input.name)) problem('name', 'must be 1 to 64 of a-z, 0-9 and -, starting with a letter or digit')
  if (input.events.length === 0) problem('event', 'name at least one event type or pattern (user.*, *)')
  for (const pattern of input.events) {
    const message = checkEventPattern(pattern)
    if (message) problem('event', message)
  }
  return problems
}

/** A default name from the URL's host: hooks.example.com -> hooks-example-com. */
export function endpointNameFromUrl(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'webhook'
  } catch {
    return 'webhook'
  }
}
