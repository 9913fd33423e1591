import type { Context } from '../../context.js'
import { isLinkedSessionLive } from '../../usecases/oidc/session-link.js'

interface IntrospectedToken {
  clientId?: string
  grantId?: string
}

/**
 * features.introspection.allowedPolicy (RFC 7662): whether the provider may answer `active: true`
 * for `token` to `client`. Only for the client the token was issued to, and only while the Heimdall
 * session its grant was made in stands: introspection is the one answer about a token that the
 * provider gives without asking findAccount, and a resource server that introspects must stop
 * accepting a token once `/oidc/me` refuses it (session:revoke, logout-all, a password reset...).
 * False makes the provider answer `{"active": false}`. Client credentials tokens have no session.
 */
export function introspectionPolicy(context: Context) {
  return async function allowedPolicy(_ctx: unknown, client: { clientId: string }, token: IntrospectedToken): Promise<boolean> {
    if (token.clientId !== client.clientId) return false
    return token.grantId === undefined || (await isLinkedSessionLive(context, { grantId: token.grantId }))
  }
}
