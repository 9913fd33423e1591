import * as oidc from 'openid-client'
import { HeimdallError } from '../../errors.js'

/** An openid-client failure as the HeimdallError a person can read; a HeimdallError passes through. */
export function upstreamError(error: unknown): HeimdallError {
  if (error instanceof HeimdallError) return error
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    const description = error.error_description ? `: ${error.error_description}` : ''
    const cancelled = error.error === 'access_denied' ? ' (the sign-in was cancelled or not allowed)' : ''
    return new HeimdallError('federation.upstream_refused', `The identity provider refused the sign-in${cancelled} (${error.error}${description})`)
  }
  if (error instanceof oidc.ClientError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return new HeimdallError('federation.upstream_unavailable', `The identity provider did not answer as expected (${error.message}${cause})`)
    }
    return new HeimdallError('federation.upstream_invalid', `The identity provider's answer failed its checks, so it was not trusted (${error.message}${cause})`)
  }
  if (error instanceof TypeError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    return new HeimdallError('federation.upstream_unavailable', `The identity provider could not be reached (${error.message}${cause})`)
  }
  return new HeimdallError('federation.upstream_invalid', `The identity provider's answer could not be used (${(error as Error).message})`)
}
