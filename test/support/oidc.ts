import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import test from 'ava'
import * as oidc from 'openid-client'
import { registerUser } from '../../src/usecases/users/register-user.js'
import { createClient } from '../../src/usecases/oidc/create-client.js'
import { freePort, startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from './server.js'
import { backends, type Backend } from './db.js'

/**
 * A Heimdall with OpenID Connect on, whose HEIMDALL_PUBLIC_URL is its own address (the issuer must
 * match). `host` names it in that URL: `localhost` for passkeys (WebAuthn refuses IP addresses as
 * relying party ids); it listens on 127.0.0.1 either way. `logLines` collects its log (debug level).
 */
export async function startOidcServer(
  backend: Backend,
  env: Record<string, string> = {},
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
  options: { logLines?: string[] } = {},
): Promise<TestServer & { issuer: string }> {
  const port = await freePort()
  const publicUrl = `http://${host}:${port}`
  const server = await startTestServer(backend, { port, env: { HEIMDALL_OIDC_ENABLED: 'true', HEIMDALL_PUBLIC_URL: publicUrl, ...env }, logLines: options.logLines })
  return Object.assign(server, { issuer: `${publicUrl}/oidc` })
}

/** openid-client's discovery against a plain-http loopback issuer (the tests have no TLS). */
export function discover(issuer: string, clientId: string, clientSecret?: string, metadata: Partial<oidc.ClientMetadata> = {}): Promise<oidc.Configuration> {
  const auth = clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(clientSecret)
  return oidc.discovery(new URL(issuer), clientId, { ...metadata, ...(clientSecret === undefined ? {} : { client_secret: clientSecret }) }, auth, {
    execute: [oidc.allowInsecureRequests],
  })
}

/**
 * The OAuth error code (RFC 6749 section 5.2, e.g. invalid_grant) an openid-client call failed with,
 * or undefined when it succeeded; the error's message when it carries no code.
 */
export async function oauthError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
    return undefined
  } catch (error) {
    // A 401 with a WWW-Authenticate challenge (invalid_client) comes as a challenge error.
    const challenged = error as { error?: string; cause?: Array<{ parameters?: { error?: string } }> }
    const oauth = challenged.error ?? (Array.isArray(challenged.cause) ? challenged.cause[0]?.parameters?.error : undefined)
    if (oauth !== undefined) return oauth
    // Not an OAuth error answer (a 5xx, say): the status and body say what went wrong in a failure.
    const cause = (error as { cause?: unknown }).cause
    if (cause instanceof Response) return `${(error as Error).message}: HTTP ${cause.status} ${await cause.text().catch(() => '')}`.slice(0, 500)
    return (error as Error).message
  }
}

export type OidcServer = TestServer & { issuer: string }

/**
 * One OpenID-enabled server per backend for the whole test file: started by an AVA `before` hook,
 * closed by an `after.always` hook (both registered here, so call it at the top level of a test file).
 */
export function oidcServersForFile(env: Record<string, string> = {}): Map<Backend, OidcServer> {
  const servers = new Map<Backend, OidcServer>()
  test.before(async () => {
    for (const backend of backends()) servers.set(backend, await startOidcServer(backend, env))
  })
  test.after.always(async () => {
    for (const server of servers.values()) await server.close()
  })
  return servers
}

/**
 * Like oidcServersForFile, each server logging at debug into its own `logLines` (one JSON line per
 * entry), for files that read what the server logged.
 */
export function loggedOidcServersForFile(): Map<Backend, { server: OidcServer; logLines: string[] }> {
  const servers = new Map<Backend, { server: OidcServer; logLines: string[] }>()
  test.before(async () => {
    for (const backend of backends()) {
      const logLines: string[] = []
      servers.set(backend, { server: await startOidcServer(backend, {}, '127.0.0.1', { logLines }), logLines })
    }
  })
  test.after.always(async () => {
    for (const { server } of servers.values()) await server.close()
  })
  return servers
}

/** Where a test relying party's browser lands: its redirect URI and post-logout redirect URI on a callback server. */
export interface RelyingPartyCallback {
  redirectUri: string
  postLogoutUri: string
  close(): void
}

/** The relying party's callback on 127.0.0.1: answers every request with a short page, so the browser lands somewhere. */
export async function startRelyingPartyCallback(): Promise<RelyingPartyCallback> {
  const server = createServer((_req, res) => res.end('relying party'))
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { redirectUri: `${origin}/callback`, postLogoutUri: `${origin}/signed-out`, close: () => server.close() }
}

/**
 * A registered user (TEST_PASSWORD) and a public device-flow client (RFC 8628) made for `server`,
 * with openid-client's Configuration for it. Grants device_code and refresh_token, scopes openid,
 * email and offline_access unless `grants` and `scopes` say otherwise.
 */
export async function deviceFlowClient(
  server: Pick<OidcServer, 'context' | 'issuer'>,
  options: { name: string; firstParty: boolean; grants?: string[]; scopes?: string[]; emailLabel?: string },
): Promise<{ email: string; clientId: string; config: oidc.Configuration }> {
  const email = uniqueEmail(options.emailLabel ?? 'device')
  await registerUser(server.context, { email, password: TEST_PASSWORD })
  const { clientId } = await createClient(server.context, {
    name: options.name,
    redirectUris: [],
    postLogoutRedirectUris: [],
    grants: options.grants ?? ['device_code', 'refresh_token'],
    scopes: options.scopes ?? ['openid', 'email', 'offline_access'],
    isPublic: true,
    firstParty: options.firstParty,
  })
  return { email, clientId, config: await discover(server.issuer, clientId) }
}
