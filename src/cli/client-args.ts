import { Args } from '@oclif/core'
import type { ClientSummary } from '../usecases/oidc/list-clients.js'
import { invalidArgument } from './args.js'
import { isoTime } from './format.js'

/** 32 hex digits as client:create makes them; 22 base64url characters as it made them before. */
const CLIENT_ID = /^(?:[0-9a-f]{32}|[\w-]{22})$/

/**
 * The client a command acts on; a value no client_id can be (a truncated copy, a name) is
 * validation.failed (exit 65), so "No client with id" (exit 1) is only about a real-looking id.
 */
export const clientIdArg = Args.custom<string>({
  parse: async (input, context) => {
    const label = context.token.arg.toUpperCase()
    if (!CLIENT_ID.test(input)) throw invalidArgument(label, `${label} must be a client_id as client:create printed it (32 hex digits), not "${input}"`)
    return input
  },
})({ description: 'The client_id (client:list shows them)', required: true })

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
