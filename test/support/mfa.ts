import test from 'ava'
import { NobleCryptoPlugin, ScureBase32Plugin, TOTP } from 'otplib'
import type { HeimdallAPIClient, JsonResponse } from './api-client.js'
import { backends, type Backend } from './db.js'
import { startTestServer, TEST_PASSWORD, type TestServer, type TestServerOptions } from './server.js'
import { markEmailVerified } from '../../src/usecases/recovery/mark-email-verified.js'

const totp = new TOTP({ crypto: new NobleCryptoPlugin(), base32: new ScureBase32Plugin() })

/** The RFC 6238 code of `secret` for the time step `offsetSteps` away from now (SHA-1, 6 digits, 30 s), computed here from the secret. */
export function totpCode(secret: string, offsetSteps = 0): Promise<string> {
  return totp.generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 })
}

/**
 * One server per backend for the whole file, started before its tests and closed after them: the
 * tests of a file share it (each uses its own users).
 */
export function sharedServers(options?: TestServerOptions): { each(title: string, run: (t: import('ava').ExecutionContext, server: TestServer) => Promise<void>): void } {
  const servers = new Map<Backend, TestServer>()
  test.before(async () => {
    await Promise.all(backends().map(async (backend) => servers.set(backend, await startTestServer(backend, options))))
  })
  test.after.always(async () => {
    await Promise.all([...servers.values()].map((server) => server.close()))
  })
  return {
    each(title, run) {
      for (const backend of backends()) test(`${title} [${backend}]`, (t) => run(t, servers.get(backend)!))
    },
  }
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

export function postJson(client: HeimdallAPIClient, path: string, body: unknown, token?: string): Promise<JsonResponse> {
  return client.http.post(path, { json: body, headers: token ? bearer(token) : {} }) as unknown as Promise<JsonResponse>
}

export interface EnrolledTotp {
  secret: string
  recoveryCodes: string[]
}

/**
 * Sets up and confirms TOTP for the holder of `token` with the code of the current step: the next
 * code a login may use is therefore the one of the next step (totpCode(secret, 1)).
 */
export async function enrolTotp(client: HeimdallAPIClient, token: string, password = TEST_PASSWORD): Promise<EnrolledTotp> {
  const setup = await postJson(client, 'auth/mfa/totp/setup', { password }, token)
  if (setup.statusCode !== 200) throw new Error(`setup: ${setup.statusCode} ${JSON.stringify(setup.body)}`)
  const confirmed = await postJson(client, 'auth/mfa/totp/confirm', { code: await totpCode(setup.body.secret) }, token)
  if (confirmed.statusCode !== 200) throw new Error(`confirm: ${confirmed.statusCode} ${JSON.stringify(confirmed.body)}`)
  return { secret: setup.body.secret, recoveryCodes: confirmed.body.recovery_codes }
}

/**
 * Registers through the API, has the address vouched for (user:verify-email's use case: only a
 * proven address may enrol a factor, docs/security.md), then logs in; answers the access token.
 */
export async function registerVerifiedAndLogin(server: TestServer, email: string, password = TEST_PASSWORD): Promise<{ userId: string; accessToken: string }> {
  const registered = await server.client.register(email, password)
  if (registered.statusCode !== 200) throw new Error(`register failed: ${registered.statusCode} ${JSON.stringify(registered.body)}`)
  await markEmailVerified(server.context, { email })
  const { accessToken } = await server.client.loginTokens(email, password)
  return { userId: registered.body.user_id, accessToken }
}
