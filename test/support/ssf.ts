import { createClient } from '../../src/usecases/oidc/create-client.js'
import type { OidcServer } from './oidc.js'

/** A Shared Signals receiver's OAuth client: a confidential client_credentials client, and a token for it. */
export interface SsfReceiver {
  clientId: string
  token: string
  /** fetch() against the server with the receiver's token; JSON in and out. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>
}

/** Registers a client_credentials client with `scope` (default ssf) at `server` and gets it a token from the provider's token endpoint. */
export async function ssfReceiver(server: OidcServer, scope = 'ssf'): Promise<SsfReceiver> {
  const { clientId, clientSecret } = await createClient(server.context, {
    name: `receiver ${scope}`,
    redirectUris: [],
    postLogoutRedirectUris: [],
    grants: ['client_credentials'],
    scopes: [scope],
    isPublic: false,
    firstParty: false,
  })
  const response = await fetch(`${server.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  })
  const tokens = (await response.json()) as { access_token?: string }
  if (!tokens.access_token) throw new Error(`no token: ${JSON.stringify(tokens)}`)
  const token = tokens.access_token
  return {
    clientId,
    token,
    call: (method, path, body) => ssfCall(server.url, token, method, path, body),
  }
}

/** One request to the transmitter with `token` (none when undefined); a string body is sent as is. */
export async function ssfCall(base: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, json: text === '' ? undefined : JSON.parse(text) }
}
