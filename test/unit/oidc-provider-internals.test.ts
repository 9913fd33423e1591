// What Heimdall relies on of oidc-provider's internals (src/infra/oidc/provider-internals.ts), checked
// against the installed library itself: a real provider (its in-memory adapter) behind a real HTTP
// server on a random port. An upgrade that renames, moves or reshapes one of them fails here, by name,
// instead of somewhere in an integration test or, worse, not at all.
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import test from 'ava'
import Provider, { type KoaContextWithOIDC } from 'oidc-provider'
import instance from 'oidc-provider/lib/helpers/weak_cache.js'
import { providerFormPostOf } from '../../src/infra/oidc/provider-form-post.js'
import {
  compareClientSecretsWith,
  forgetSignIn,
  leaveSessionUnsaved,
  postLogoutTargetOf,
  pinRequestOrigin,
  presentedRefreshTokenOf,
  providerGrantsOf,
  providerRouteOf,
  servedScopesOf,
  signInOf,
  signInOfSessionUid,
  wasSessionSaved,
  xsrfTokenOf,
  wrapGrantTypeHandler,
  type ProviderRoute,
} from '../../src/infra/oidc/provider-internals.js'

const ISSUER = 'https://issuer.example.com/oidc'
const CLIENT = { client_id: 'internals', client_secret: 'stored-value', redirect_uris: ['https://rp.example.com/cb'], post_logout_redirect_uris: ['https://rp.example.com/out'], grant_types: ['authorization_code', 'refresh_token'] }

function buildProvider(features: Record<string, unknown> = {}): Provider {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })
  return new Provider(ISSUER, {
    jwks: { keys: [{ ...key, kid: 'k1', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['internals-test-cookie-key'] },
    clients: [CLIENT],
    scopes: ['openid', 'offline_access', 'heimdall:custom'],
    features: { devInteractions: { enabled: false }, ...features },
    ttl: { Grant: 600, Session: 600 },
  })
}

/** The provider behind a server on a random port (its issuer stays ISSUER: requests are pinned to it). */
async function serve(provider: Provider): Promise<{ url: string; server: Server }> {
  const callback = provider.callback()
  const server = createServer((req, res) => {
    // The provider is mounted below /oidc, as Heimdall's mount.ts hands it the path below the prefix.
    req.url = (req.url ?? '/').replace(/^\/oidc/, '') || '/'
    void callback(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`, server }
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

test('the weak cache holds the grant type handlers, their parameters and duplicates, and the served scopes; a wrapped refresh_token handler runs at the token endpoint', async (t) => {
  const provider = buildProvider()
  const internals = instance(provider)
  t.true(internals.grantTypeHandlers instanceof Map)
  t.is(typeof internals.grantTypeHandlers.get('refresh_token'), 'function')
  t.true(internals.grantTypeParams.get('refresh_token') instanceof Set)
  t.true(internals.grantTypeParams.get('refresh_token')!.has('scope'))
  t.true(internals.grantTypeDupes instanceof Map)

  const served = servedScopesOf(provider)
  t.true(served instanceof Set)
  t.true(served.has('openid') && served.has('offline_access') && served.has('heimdall:custom'))
  t.false(served.has('phone'))

  let builtInHandedOver: unknown
  let calls = 0
  wrapGrantTypeHandler(provider, 'refresh_token', (builtIn) => {
    builtInHandedOver = builtIn
    return async (ctx) => {
      calls++
      await builtIn(ctx)
    }
  })
  t.is(typeof builtInHandedOver, 'function')
  t.throws(() => wrapGrantTypeHandler(provider, 'urn:heimdall:no-such-grant', (builtIn) => builtIn), { message: /registered no urn:heimdall:no-such-grant grant/ })

  const { url, server } = await serve(provider)
  t.teardown(() => server.close())
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { authorization: basic(CLIENT.client_id, CLIENT.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'unknown', scope: 'openid' }),
  })
  // Past client authentication and into the wrapper, which handed over to the built-in handler.
  t.is(response.status, 400)
  t.is(((await response.json()) as { error: string }).error, 'invalid_grant')
  t.is(calls, 1)
})

test("the request context's urlFor and the request's protocol, host and ip are pinned; the router names the route it matched", async (t) => {
  const provider = buildProvider()
  t.is(typeof provider.OIDCContext.prototype.urlFor, 'function')
  const clients: string[] = []
  pinRequestOrigin(provider, {
    protocol: 'https',
    host: 'issuer.example.com',
    ipOf: (req: IncomingMessage) => {
      clients.push(req.socket.remoteAddress ?? '')
      return '203.0.113.7'
    },
  })
  const seen: Array<{ path: string; route: ProviderRoute | undefined; protocol: string; host: string; ip: string; urlFor?: string }> = []
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next()
    seen.push({ path: ctx.path, route: providerRouteOf(ctx), protocol: ctx.protocol, host: ctx.host, ip: ctx.ip, urlFor: ctx.oidc?.urlFor('token') })
  })
  const { url, server } = await serve(provider)
  t.teardown(() => server.close())

  const discovery = await fetch(`${url}/.well-known/openid-configuration`, { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } })
  t.is(discovery.status, 200)
  t.is(((await discovery.json()) as { token_endpoint: string }).token_endpoint, `${ISSUER}/token`)
  const unknown = await fetch(`${url}/no-such-endpoint`)
  t.is(unknown.status, 404)

  t.deepEqual(seen[0], { path: '/.well-known/openid-configuration', route: { path: '/.well-known/openid-configuration', name: 'discovery' }, protocol: 'https', host: 'issuer.example.com', ip: '203.0.113.7', urlFor: `${ISSUER}/token` })
  t.is(seen[1].path, '/no-such-endpoint')
  t.is(seen[1].route, undefined)
  t.true(clients.length > 0)
})

test("the Client model's compareClientSecret is what client authentication asks", async (t) => {
  const provider = buildProvider()
  t.is(typeof provider.Client.prototype.compareClientSecret, 'function')
  compareClientSecretsWith(provider, (stored, presented) => presented === `presented-for-${stored}`)
  const { url, server } = await serve(provider)
  t.teardown(() => server.close())
  const token = (secret: string) =>
    fetch(`${url}/token`, {
      method: 'POST',
      headers: { authorization: basic(CLIENT.client_id, secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'unknown' }),
    }).then(async (response) => ((await response.json()) as { error: string }).error)
  t.is(await token(CLIENT.client_secret), 'invalid_client')
  t.is(await token(`presented-for-${CLIENT.client_secret}`), 'invalid_grant')
})

test('the Session model keeps accountId, loginTs and authorizations in its payload; forgetSignIn clears the sign-in and is saved', async (t) => {
  const provider = buildProvider()
  t.true(['accountId', 'loginTs', 'authorizations'].every((field) => (provider.Session.IN_PAYLOAD as string[]).includes(field)))
  const session = new provider.Session({ jti: 'session-1', uid: 'uid-1', accountId: 'user-1', loginTs: 1_700_000_000, authorizations: { internals: { grantId: 'grant-1' } } })
  t.is(session.grantIdFor('internals'), 'grant-1')
  t.deepEqual(signInOf(session), { accountId: 'user-1', loginTs: 1_700_000_000 })
  forgetSignIn(session)
  t.is(signInOf(session), undefined)
  await session.save(60)
  const stored = await provider.Session.find('session-1')
  t.is(stored.accountId, undefined)
  t.is(stored.loginTs, undefined)
  t.deepEqual(stored.authorizations, {})
  t.is(stored.grantIdFor('internals'), undefined)
  t.is(signInOf(undefined), undefined)
  t.true(wasSessionSaved(stored))
  t.false(wasSessionSaved(new provider.Session({ jti: 'never-saved' })))
  t.deepEqual(await signInOfSessionUid(provider, 'uid-1'), undefined)
  await new provider.Session({ jti: 'session-2', uid: 'uid-2', accountId: 'user-2', loginTs: 1_700_000_001 }).save(60)
  t.deepEqual(await signInOfSessionUid(provider, 'uid-2'), { accountId: 'user-2', loginTs: 1_700_000_001 })
  t.is(await signInOfSessionUid(provider, 'no-such-uid'), undefined)
})

test("the provider's own forms keep their xsrf token and logout target in the session's state; a session left untouched is not saved", async (t) => {
  const seen: Array<{ xsrf: string; saved: boolean }> = []
  const provider = buildProvider({
    deviceFlow: {
      enabled: true,
      // Called inside the provider's session handling, as Heimdall's device pages are.
      async userCodeInputSource(ctx: KoaContextWithOIDC, form: string) {
        seen.push({ xsrf: xsrfTokenOf(ctx.oidc.session), saved: wasSessionSaved(ctx.oidc.session) })
        if (ctx.query.unsaved) leaveSessionUnsaved(ctx.oidc.session)
        ctx.body = form
      },
    },
  })
  const targets: Array<string | undefined> = []
  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next()
    if (ctx.oidc?.route === 'end_session') targets.push(postLogoutTargetOf(ctx.oidc.session))
  })
  const { url, server } = await serve(provider)
  t.teardown(() => server.close())

  const saved = await fetch(`${url}/device`)
  t.is(saved.status, 200)
  t.regex(seen[0].xsrf, /^[0-9a-f]{48}$/)
  t.true((await saved.text()).includes(`name="xsrf" value="${seen[0].xsrf}"`))
  t.false(seen[0].saved, 'a new session has not been stored yet')
  t.regex(saved.headers.get('set-cookie') ?? '', /_session=/)
  const unsaved = await fetch(`${url}/device?unsaved=1`)
  t.is(unsaved.status, 200)
  t.notRegex(unsaved.headers.get('set-cookie') ?? '', /_session=/, 'left untouched, the session is not stored')
  t.is(xsrfTokenOf(undefined), '')

  const logout = await fetch(`${url}/session/end?client_id=${CLIENT.client_id}&post_logout_redirect_uri=${encodeURIComponent(CLIENT.post_logout_redirect_uris[0])}`)
  t.is(logout.status, 200)
  t.deepEqual(targets, [CLIENT.post_logout_redirect_uris[0]])
})

test('the Grant model: built from remembered access, saved, found again with its account, client, scopes, claims and resources', async (t) => {
  const provider = buildProvider()
  const grants = providerGrantsOf(provider)
  const { grant, grantId } = await grants.create({
    accountId: 'user-1',
    clientId: 'internals',
    access: { scopes: ['openid', 'offline_access'], claims: ['email'], resources: { 'https://api.example.com': ['read', 'write'] } },
  })
  t.is(typeof grantId, 'string')
  t.is((grant as { jti?: string }).jti, grantId)
  const found = await grants.find(grantId)
  t.like(found, { accountId: 'user-1', clientId: 'internals' })
  const model = found!.grant as { getOIDCScope(): string; getOIDCClaims(): string[]; getResourceScope(indicator: string): string }
  t.is(model.getOIDCScope(), 'openid offline_access')
  t.deepEqual(model.getOIDCClaims(), ['email'])
  t.is(model.getResourceScope('https://api.example.com'), 'read write')
  t.is(await grants.find('no-such-grant'), undefined)

  const extended = await grants.extend({ grantId, accountId: 'user-1', clientId: 'internals', access: { scopes: ['email'], claims: [], resources: { 'https://other.example.com': ['read'] } } })
  t.deepEqual(extended, {
    grantId,
    access: { scopes: ['openid', 'offline_access', 'email'], claims: ['email'], resources: { 'https://api.example.com': ['read', 'write'], 'https://other.example.com': ['read'] } },
  })
  const fresh = await grants.extend({ accountId: 'user-2', clientId: 'internals', access: { scopes: ['openid'], claims: [], resources: {} } })
  t.truthy(fresh && fresh.grantId !== grantId)
  t.deepEqual(fresh!.access, { scopes: ['openid'], claims: [], resources: {} })
  t.like(await grants.find(fresh!.grantId), { accountId: 'user-2', clientId: 'internals' })
  t.is(await grants.extend({ grantId: 'no-such-grant', accountId: 'user-1', clientId: 'internals', access: { scopes: [], claims: [], resources: {} } }), undefined)
})

test('a refresh token presented again: the token endpoint revokes its grant (grant.revoked) with the token, consumed, on the request context', async (t) => {
  const provider = buildProvider()
  const { grantId } = await providerGrantsOf(provider).create({ accountId: 'user-1', clientId: CLIENT.client_id, access: { scopes: ['openid', 'offline_access'], claims: [], resources: {} } })
  const token = new provider.RefreshToken({ accountId: 'user-1', clientId: CLIENT.client_id, grantId, scope: 'openid offline_access', gty: 'authorization_code', consumed: true, expiresIn: 600 })
  const value = await token.save()
  const noted: unknown[] = []
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC) => noted.push(presentedRefreshTokenOf(ctx)))
  const { url, server } = await serve(provider)
  t.teardown(() => server.close())
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { authorization: basic(CLIENT.client_id, CLIENT.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: value }),
  })
  t.is(((await response.json()) as { error_description: string }).error_description, 'grant request is invalid')
  t.deepEqual(noted, [{ accountId: 'user-1', clientId: CLIENT.client_id, consumed: true }])
  t.is(presentedRefreshTokenOf({}), undefined)
})

test("the provider's form_post page: a form with the action and hidden fields providerFormPostOf reads back, values unescaped", async (t) => {
  // The library's own page writer (lib/response_modes/form_post.js), as end_session calls it, with a ctx of the fields it uses.
  const specifier = 'oidc-provider/lib/response_modes/form_post.js'
  const { default: formPost } = (await import(specifier)) as { default: (ctx: object, action: string, inputs: Record<string, string>) => void }
  const ctx = { status: 200, type: '', body: '' as unknown, response: { get: () => undefined }, set: () => undefined }
  const tricky = `a&b<c>"d'e`
  formPost(ctx, `https://rp.example.com/cb?x=1&y="2"`, { code: 'the-code', state: tricky, iss: ISSUER })
  t.is(ctx.type, 'html')
  t.deepEqual(providerFormPostOf(ctx.body), { action: 'https://rp.example.com/cb?x=1&y="2"', fields: [['code', 'the-code'], ['state', tricky], ['iss', ISSUER]] })

  // And through a provider: an authorization answered with response_mode=form_post (an error: nobody signed in, prompt=none).
  const { url, server } = await serve(buildProvider())
  t.teardown(() => server.close())
  const response = await fetch(
    `${url}/auth?${new URLSearchParams({ client_id: CLIENT.client_id, redirect_uri: CLIENT.redirect_uris[0], response_type: 'code', response_mode: 'form_post', scope: 'openid', prompt: 'none', state: tricky })}`,
  )
  const posted = providerFormPostOf(await response.text())
  t.is(posted?.action, CLIENT.redirect_uris[0])
  t.like(Object.fromEntries(posted?.fields ?? []), { error: 'login_required', state: tricky, iss: ISSUER })

  t.is(providerFormPostOf('<!DOCTYPE html><html><head><title>Another page</title></head></html>'), undefined)
  t.is(providerFormPostOf({ error: 'invalid_request' }), undefined)
})
