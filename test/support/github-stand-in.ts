import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A STAND-IN FOR GITHUB, NOT GITHUB: GitHub cannot be reached from the tests, so this small local
 * server speaks exactly the endpoints of GitHub's documented OAuth web flow and REST API that the
 * github preset uses, and nothing else:
 * - GET  /login/oauth/authorize  (client_id, redirect_uri, scope, state, code_challenge S256)
 * - POST /login/oauth/access_token  (client_id, client_secret, code, redirect_uri, code_verifier;
 *   JSON with Accept: application/json; errors come as 200 with an `error` field, as GitHub does)
 * - GET  /user  and  GET /user/emails  (Authorization: Bearer TOKEN)
 * https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps,
 * https://docs.github.com/en/rest/users/users, https://docs.github.com/en/rest/users/emails.
 * Its authorize page signs in at once the account the request names in the x-github-account header.
 */
export interface GithubEmail {
  email: string
  primary: boolean
  verified: boolean
}

export interface GithubAccount {
  id: number
  login: string
  emails: GithubEmail[]
}

export interface GithubStandIn {
  /** Both the web base URL and the API base URL (GitHub's are https://github.com and https://api.github.com). */
  url: string
  clientId: string
  clientSecret: string
  setAccount(account: GithubAccount): void
  signInHeader(login: string): Record<string, string>
  close(): Promise<void>
}

export async function startGithubStandIn(): Promise<GithubStandIn> {
  const clientId = 'Iv1.standin0000000'
  const clientSecret = 'github-stand-in-client-secret-0123456789'
  const accounts = new Map<string, GithubAccount>()
  const codes = new Map<string, { login: string; redirectUri: string; challenge: string }>()
  const tokens = new Map<string, string>()

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
  }
  const accountOfToken = (req: IncomingMessage) => {
    const token = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const login = token === undefined ? undefined : tokens.get(token)
    return login === undefined ? undefined : accounts.get(login)
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in')
      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const login = String(req.headers['x-github-account'] ?? '')
        if (url.searchParams.get('client_id') !== clientId || !accounts.has(login)) return json(res, 404, { message: 'Not Found' })
        if (url.searchParams.get('code_challenge_method') !== 'S256') return json(res, 400, { message: 'PKCE S256 expected by this stand-in' })
        const code = randomBytes(10).toString('hex')
        const redirectUri = url.searchParams.get('redirect_uri')!
        codes.set(code, { login, redirectUri, challenge: url.searchParams.get('code_challenge')! })
        const back = new URL(redirectUri)
        back.searchParams.set('code', code)
        back.searchParams.set('state', url.searchParams.get('state') ?? '')
        res.writeHead(302, { location: back.href })
        return res.end()
      }
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = await readBody(req)
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return json(res, 200, { error: 'incorrect_client_credentials' })
        const code = codes.get(form.get('code') ?? '')
        codes.delete(form.get('code') ?? '')
        const verifier = form.get('code_verifier') ?? ''
        if (!code || code.redirectUri !== form.get('redirect_uri') || createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
          return json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' })
        }
        const token = `gho_${randomBytes(16).toString('hex')}`
        tokens.set(token, code.login)
        return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' })
      }
      if (req.method === 'GET' && (url.pathname === '/user' || url.pathname === '/user/emails')) {
        const account = accountOfToken(req)
        if (!account) return json(res, 401, { message: 'Requires authentication' })
        if (url.pathname === '/user') return json(res, 200, { id: account.id, login: account.login, email: null })
        return json(res, 200, account.emails.map((entry) => ({ ...entry, visibility: entry.primary ? 'private' : null })))
      }
      json(res, 404, { message: 'Not Found' })
    })().catch((error: Error) => json(res, 500, { message: error.message }))
  })
  // Longer than any client keeps an idle connection (see upstream-oidc.ts).
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    setAccount: (account) => void accounts.set(account.login, account),
    signInHeader: (login) => ({ 'x-github-account': login }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
