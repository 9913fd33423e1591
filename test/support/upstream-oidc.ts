import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { type KoaContextWithOIDC } from 'oidc-provider'

/**
 * A standalone OpenID Connect provider (node-oidc-provider, the certified one) on 127.0.0.1 and a
 * random port, with its own accounts: the upstream that Heimdall signs people in with in the
 * federation tests. Its interaction page is a tiny handler of its own (no devInteractions): it signs
 * in the account the request names in the x-upstream-account header (so that concurrent tests do
 * not take each other's), with the amr of that account's next sign-in, and grants consent at once.
 */
export interface UpstreamAccount {
  email: string | null
  emailVerified: boolean
  /** RFC 8176 methods of the account's sign-ins, in the ID token's amr (default ["pwd"]). */
  amr?: string[]
  /** Entra ID's tenant id claim, for the microsoft preset's checks. */
  tid?: string
}

export interface UpstreamOidc {
  issuer: string
  clientId: string
  clientSecret: string
  /** Adds an account, or changes one (its address, say). */
  setAccount(sub: string, account: UpstreamAccount): void
  /** The header that names the account its interaction page signs in. */
  signInHeader(sub: string): Record<string, string>
  close(): Promise<void>
}

export const ACCOUNT_HEADER = 'x-upstream-account'
/** Sent to the interaction page: the person cancels (the upstream answers error=access_denied). */
export const DENY_HEADER = 'x-upstream-deny'

let signingKey: KeyObject | undefined
/**
 * The RS256 key the upstreams of this test process sign with: one for all of them, as an RSA key
 * takes 0.1 to 0.3 s of CPU to make and a file starts dozens of upstreams. Each upstream is still
 * its own issuer, and Heimdall checks an ID token's issuer and audience as well as its signature.
 */
function upstreamSigningKey(): KeyObject {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  return signingKey
}

/** Starts one; `redirectUris` are the Heimdall callbacks its client may send codes to. */
export async function startUpstreamOidc(options: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<UpstreamOidc> {
  const accounts = new Map<string, UpstreamAccount>()
  const clientId = options.clientId ?? 'heimdall'
  const clientSecret = options.clientSecret ?? 'upstream-test-client-secret-0123456789'
  const privateKey = upstreamSigningKey()
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined
  const server = createServer((req, res) => handler!(req, res))
  // Longer than any client keeps an idle connection: a loaded machine otherwise lets the server close
  // one just as openid-client reuses it (ECONNRESET at the token endpoint).
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: options.redirectUris, grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'upstream-1', alg: 'RS256', use: 'sig' } as never] },
    claims: { openid: ['sub', 'amr', 'tid'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      // Consent is not what these tests are about: every sign-in is granted what it asked for.
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
      grant.addOIDCScope(String(ctx.oidc.params.scope ?? 'openid'))
      await grant.save()
      return grant
    },
    async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
      const account = accounts.get(sub)
      if (!account) return undefined
      return {
        accountId: sub,
        claims: async () => ({ sub, amr: account.amr ?? ['pwd'], ...(account.tid === undefined ? {} : { tid: account.tid }), ...(account.email === null ? {} : { email: account.email, email_verified: account.emailVerified }) }),
      }
    },
  })
  const callback = provider.callback()
  handler = (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res)
    void (async () => {
      const sub = decodeURIComponent(String(req.headers[ACCOUNT_HEADER] ?? ''))
      if (!accounts.has(sub)) {
        res.statusCode = 400
        return void res.end(`no upstream account "${sub}": name one in the ${ACCOUNT_HEADER} header`)
      }
      await provider.interactionDetails(req, res)
      if (req.headers[DENY_HEADER]) {
        return void (await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled' }, { mergeWithLastSubmission: false }))
      }
      await provider.interactionFinished(req, res, { login: { accountId: sub, amr: accounts.get(sub)!.amr ?? ['pwd'] } }, { mergeWithLastSubmission: false })
    })().catch((error: Error) => {
      res.statusCode = 500
      res.end(error.message)
    })
  }

  return {
    issuer,
    clientId,
    clientSecret,
    setAccount: (sub, account) => void accounts.set(sub, account),
    // Percent-encoded: Node trims a header value's spaces, and a subject may end in one.
    signInHeader: (sub) => ({ [ACCOUNT_HEADER]: encodeURIComponent(sub) }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * The provider's state in memory, one store per provider (its own quick-start adapter warns on every
 * start): two upstreams of a test never see each other's codes.
 */
function memoryAdapter() {
  const stores = new Map<string, Map<string, Record<string, unknown>>>()
  return class MemoryAdapter {
    private readonly store: Map<string, Record<string, unknown>>
    constructor(name: string) {
      this.store = stores.get(name) ?? new Map()
      stores.set(name, this.store)
    }
    async upsert(id: string, payload: Record<string, unknown>) {
      this.store.set(id, payload)
    }
    async find(id: string) {
      return this.store.get(id)
    }
    async findByUid(uid: string) {
      return [...this.store.values()].find((payload) => payload.uid === uid)
    }
    async findByUserCode(userCode: string) {
      return [...this.store.values()].find((payload) => payload.userCode === userCode)
    }
    async consume(id: string) {
      const payload = this.store.get(id)
      if (payload) payload.consumed = Math.floor(Date.now() / 1000)
    }
    async destroy(id: string) {
      this.store.delete(id)
    }
    async revokeByGrantId(grantId: string) {
      for (const [id, payload] of this.store) if (payload.grantId === grantId) this.store.delete(id)
    }
  }
}
