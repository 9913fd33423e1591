/** Hosts that are this machine: plain http is allowed there only (tests and local development have no TLS). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Why `value` cannot be an upstream provider's URL, or undefined when it can: an absolute https URL
 * without credentials, query or fragment; http only on a loopback host. A sign-in over plain http
 * elsewhere would hand codes and tokens to anyone on the path.
 */
export function upstreamUrlProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'must be an absolute URL, such as https://idp.example.com'
  }
  if (url.username || url.password) return 'must not carry a user name or password'
  if (url.search || url.hash) return 'must not carry a query or fragment'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? undefined : 'must use https (plain http is allowed on 127.0.0.1, localhost and [::1] only)'
  return 'must use https'
}

/** Whether requests to `url` go over plain http (allowed by upstreamUrlProblem on loopback hosts only). */
export function isPlainHttp(url: string): boolean {
  return new URL(url).protocol === 'http:'
}
