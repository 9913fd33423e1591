import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { ssfStreams } from './transmitter.js'

/** The scope a client credentials token needs for the transmitter's endpoints. */
export const SSF_SCOPE = 'ssf'

/**
 * The OAuth client a receiver's bearer token belongs to (SSF 1.0 section 9, authorization_schemes
 * urn:ietf:rfc:6749): a client credentials access token from Heimdall's own OpenID provider, live,
 * with the `ssf` scope. Throws oauth.invalid_token (401) for a missing, unknown or expired token and
 * ssf.forbidden (403) for one without the scope.
 */
export async function authorizeReceiver(ctx: Context, token: string | undefined): Promise<{ clientId: string }> {
  if (token === undefined) throw new HeimdallError('oauth.invalid_token', 'A client credentials access token with the ssf scope is required (Authorization: Bearer)')
  const found = await ssfStreams(ctx).findClientCredentialsToken(token, Date.now())
  if (!found) throw new HeimdallError('oauth.invalid_token', 'The access token is unknown or expired')
  if (!found.scope.split(' ').includes(SSF_SCOPE)) throw new HeimdallError('ssf.forbidden', 'The access token lacks the ssf scope')
  return { clientId: found.clientId }
}
