import { Args } from '@oclif/core'
import type { ClientSummary } from '../usecases/oidc/list-clients.js'
import { isoTime } from './format.js'

/** The client a command acts on. */
export const clientIdArg = Args.string({ name: 'CLIENT_ID', description: 'The client_id (client:list shows them)', required: true })

/** A client as --json carries it: RFC 7591 names where one exists. */
export function clientJson(client: ClientSummary) {
  return {
    client_id: client.clientId,
    client_name: client.name,
    public: client.public,
    first_party: client.firstParty,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: client.grants,
    scope: client.scopes.join(' '),
    created_at: isoTime(client.createdAt),
    updated_at: isoTime(client.updatedAt),
  }
}
