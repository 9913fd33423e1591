import type Provider from 'oidc-provider'
import type { KoaContextWithOIDC } from 'oidc-provider'
import { noteOAuthRefusal } from './request-observer.js'

/**
 * The events oidc-provider 9 emits when an endpoint Heimdall enables refuses a request (its
 * error_handler.js and authorization_error_handler.js; server_error is logged apart, with its stack).
 */
const REFUSAL_EVENTS = [
  'authorization.error', 'grant.error', 'userinfo.error', 'introspection.error', 'revocation.error', 'device_authorization.error',
  'code_verification.error', 'device_resume.error', 'end_session.error', 'end_session_confirm.error', 'end_session_success.error',
  'discovery.error', 'jwks.error',
] as const

interface ProviderError {
  expose?: boolean
  message?: string
  error?: string
  error_description?: string
}

/**
 * Notes every refusal the provider answers on its request's access line (request-observer.ts):
 * the error and description the client got, as oidc-provider renders them (err_out.js), and the
 * client id when the request got that far.
 */
export function logProviderRefusals(provider: Provider): void {
  for (const event of REFUSAL_EVENTS) {
    provider.on(event, (ctx: KoaContextWithOIDC, err: ProviderError) => {
      if (!err?.expose) return
      noteOAuthRefusal(ctx.req, { error: err.error ?? err.message ?? 'invalid_request', error_description: err.error_description, client_id: ctx.oidc?.client?.clientId })
    })
  }
}
