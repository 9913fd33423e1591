import { createProvider } from '../../src/usecases/federation/create-provider.js'
import type { TestServer } from './server.js'
import { startUpstreamOidc, type UpstreamOidc } from './upstream-oidc.js'

/** Marks a user's address proven, as a verification link would. */
export async function markEmailVerifiedForTest(server: TestServer, userId: string): Promise<void> {
  await server.context.users.updateUserEmailVerified(userId, Date.now())
}

/** Heimdall providers by name, each with the linking policy idp:create takes. */
export type ProviderPolicies = Record<string, { trustEmail: boolean; trustMfa: boolean; autoLink: boolean; createAccounts: boolean }>

/**
 * A local upstream OpenID provider per test server, started on first use, with a Heimdall provider
 * at it for each of `policies`. `close` stops them all: a file calls it in its after-hook.
 */
export function upstreamPerServer(policies: ProviderPolicies): { of(server: TestServer): Promise<UpstreamOidc>; close(): Promise<void> } {
  const setups = new Map<TestServer, Promise<UpstreamOidc>>()
  const started: UpstreamOidc[] = []
  return {
    of(server) {
      let setup = setups.get(server)
      if (!setup) {
        setup = (async () => {
          const redirectUris = Object.keys(policies).map((name) => `${server.context.config.publicUrl}/account/sign-in/${name}/callback`)
          const upstream = await startUpstreamOidc({ redirectUris })
          started.push(upstream)
          for (const [name, policy] of Object.entries(policies)) {
            await createProvider(server.context, { name, issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, ...policy })
          }
          return upstream
        })()
        setups.set(server, setup)
      }
      return setup
    },
    async close() {
      await Promise.all(started.map((upstream) => upstream.close()))
    },
  }
}
