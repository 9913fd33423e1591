import { createGithubClient } from './github-client.js'
import { createOidcClient } from './oidc-client.js'
import { upstreamError } from './upstream-error.js'
import type { UpstreamClient, UpstreamSettings } from './upstream.js'

export type { UpstreamClient, UpstreamIdentity, UpstreamRequest, UpstreamSettings } from './upstream.js'

/** The client for one provider's kind; discovery (kind oidc) happens here. */
export async function createUpstreamClient(settings: UpstreamSettings): Promise<UpstreamClient> {
  try {
    return settings.kind === 'github' ? createGithubClient(settings) : await createOidcClient(settings)
  } catch (error) {
    throw upstreamError(error)
  }
}
