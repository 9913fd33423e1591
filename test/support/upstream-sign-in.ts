import type { Context } from '../../src/context.js'
import { beginUpstreamSignIn } from '../../src/usecases/federation/begin-upstream-sign-in.js'
import { FormBrowser } from './oidc-http-sign-in.js'

/**
 * Follows an authorization URL through an upstream provider (its interaction page signs in the
 * account `headers` name) up to the redirect to Heimdall's callback, which is not followed (no route
 * serves it yet): answers that redirect's URL, with its code and state.
 */
export async function followToCallback(authorizationUrl: string, headers: Record<string, string>, callbackOrigin: string): Promise<string> {
  const browser = new FormBrowser()
  let url = authorizationUrl
  for (let hops = 0; hops < 10; hops++) {
    const response = await browser.request(url, { headers })
    const location = response.headers.get('location')
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`the upstream stopped at ${url} with ${response.status}: ${(await response.text()).slice(0, 300)}`)
    }
    url = new URL(location, url).href
    if (url.startsWith(`${callbackOrigin}/`)) return url
  }
  throw new Error(`too many redirects from ${authorizationUrl}`)
}

/** beginUpstreamSignIn on `context`, then the upstream up to the callback: what completeUpstreamSignIn wants. */
export async function signInUpstream(
  context: Context,
  provider: string,
  headers: Record<string, string>,
  tweak: (url: URL) => void = () => undefined,
): Promise<{ flowId: string; callbackUrl: string }> {
  const begun = await beginUpstreamSignIn(context, { provider, returnTo: '/account' })
  const url = new URL(begun.authorizationUrl)
  tweak(url)
  return { flowId: begun.flowId, callbackUrl: await followToCallback(url.href, headers, context.config.publicUrl) }
}
