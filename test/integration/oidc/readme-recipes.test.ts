import test from 'ava'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../support/cli.js'
import { backends } from '../../support/db.js'
import { oidcServersForFile, type OidcServer } from '../../support/oidc.js'
import type { TestServer } from '../../support/server.js'

/**
 * The OpenID Connect recipes of docs/oidc.md (once in the README, hence this file's name), held to
 * what they tell a user: their `client:create` command runs as written, and the endpoints, scopes and
 * claims they give the other side (grafana.ini, oauth2-proxy's flags) are the ones the discovery
 * document names.
 */
const RECIPES = readFileSync(fileURLToPath(new URL('../../../../docs/oidc.md', import.meta.url)), 'utf8')
/** What the recipes call Heimdall's public URL. */
const RECIPE_PUBLIC_URL = 'https://auth.example.com'

function recipe(title: string): string {
  const start = RECIPES.indexOf(`### Recipe: ${title}`)
  if (start < 0) throw new Error(`docs/oidc.md has no recipe "${title}"`)
  const end = RECIPES.indexOf('\n## ', start)
  return RECIPES.slice(start, end < 0 ? undefined : end)
}

/** The recipe's `heimdall client:create ...` command as arguments (continuation lines joined; the recipes quote nothing). */
function clientCreateArgs(text: string): string[] {
  const line = text.replace(/\\\n\s*/g, ' ').split('\n').find((candidate) => candidate.startsWith('heimdall client:create '))
  if (!line) throw new Error('no client:create command in the recipe')
  return line.replace(/#.*$/, '').trim().split(/\s+/).slice(1)
}

/** A recipe's URL on Heimdall, as a path under the issuer's origin. */
function pathOf(url: string): string {
  if (!url.startsWith(RECIPE_PUBLIC_URL)) throw new Error(`${url} is not under ${RECIPE_PUBLIC_URL}`)
  return url.slice(RECIPE_PUBLIC_URL.length)
}

const servers = oidcServersForFile()

async function discovery(server: OidcServer): Promise<Record<string, any>> {
  return (await server.client.http.get<Record<string, any>>(`${server.issuer}/.well-known/openid-configuration`, { prefixUrl: '' })).body
}

async function createdClient(server: TestServer, text: string): Promise<{ client_id: string; client_secret: string; scope: string }> {
  const created = await runCli([...clientCreateArgs(text), '--json'], { env: server.env })
  if (created.code !== 0) throw new Error(`client:create as in docs/oidc.md: exit ${created.code}\n${created.stderr}`)
  const { client_id, client_secret } = JSON.parse(created.stdout)
  const shown = JSON.parse((await runCli(['client:show', client_id, '--json'], { env: server.env })).stdout)
  return { client_id, client_secret, scope: shown.scope }
}

for (const backend of backends()) {
  test(`docs/oidc.md "sign in to Grafana with Heimdall": the client is created as written, grafana.ini names the discovered endpoints and the client's scopes [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const text = recipe('sign in to Grafana with Heimdall')
    const client = await createdClient(server, text)
    t.regex(client.client_secret, /^[\w-]{43}$/)
    const metadata = await discovery(server)
    const setting = (name: string) => text.match(new RegExp(`^${name} = (.+)$`, 'm'))?.[1]
    const origin = new URL(server.issuer).origin
    t.is(origin + pathOf(setting('auth_url')!), metadata.authorization_endpoint)
    t.is(origin + pathOf(setting('token_url')!), metadata.token_endpoint)
    t.is(origin + pathOf(setting('api_url')!), metadata.userinfo_endpoint)
    const clientScopes = client.scope.split(' ')
    for (const scope of setting('scopes')!.split(' ')) t.true(clientScopes.includes(scope), `grafana.ini asks for ${scope}`)
    t.true(metadata.code_challenge_methods_supported.includes('S256'), 'use_pkce = true')
    for (const claim of ['email', 'roles']) t.true(metadata.claims_supported.includes(claim), `grafana.ini reads ${claim}`)
  })

  test(`docs/oidc.md "put oauth2-proxy in front of an app": the client is created as written, the flags name the issuer, the client's scopes and a released claim [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const text = recipe('put oauth2-proxy in front of an app')
    const client = await createdClient(server, text)
    const metadata = await discovery(server)
    const flag = (name: string) => {
      const match = text.match(new RegExp(`--${name}=(?:"([^"]*)"|(\\S+))`))
      return match?.[1] ?? match?.[2]
    }
    t.is(new URL(server.issuer).origin + pathOf(flag('oidc-issuer-url')!), metadata.issuer)
    const clientScopes = client.scope.split(' ')
    for (const scope of flag('scope')!.split(' ')) t.true(clientScopes.includes(scope), `oauth2-proxy asks for ${scope}`)
    t.true(metadata.code_challenge_methods_supported.includes(flag('code-challenge-method')), 'the PKCE method')
    t.true(metadata.claims_supported.includes(flag('oidc-groups-claim')), 'the groups claim is released')
  })
}
