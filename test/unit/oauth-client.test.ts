import test from 'ava'
import {
  allowedScopesOf,
  checkClientRegistration,
  CLIENT_GRANTS,
  type ClientRegistration,
  MAX_CLIENT_NAME_LENGTH,
  usualScopesOf,
} from '../../src/domain/oauth-client.js'

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code'
const known = {
  oidc: new Set(['openid', 'offline_access', 'email', 'profile', 'roles']),
  permissions: new Set(['user:read', 'user:write']),
}
const webApp: ClientRegistration = {
  name: 'Billing',
  redirectUris: ['https://billing.example.com/callback'],
  postLogoutRedirectUris: [],
  grants: ['authorization_code', 'refresh_token'],
  isPublic: false,
  scopes: ['openid', 'email', 'offline_access'],
}
const check = (changes: Partial<ClientRegistration>) => checkClientRegistration({ ...webApp, ...changes }, known)
const problem = (loc: string, msg: string) => ({ loc: [loc], msg, type: 'value_error' })
const messagesOf = (changes: Partial<ClientRegistration>) => check(changes).problems.map((found) => found.msg)

test('the grants are those of RFC 6749 and RFC 8628', (t) => {
  t.deepEqual([...CLIENT_GRANTS], ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE])
  t.is(MAX_CLIENT_NAME_LENGTH, 200)
})

test('a usable registration has no problem and keeps its grants and scopes', (t) => {
  t.deepEqual(check({}), { problems: [], grants: ['authorization_code', 'refresh_token'], scopes: ['openid', 'email', 'offline_access'] })
  const service = check({ grants: ['client_credentials'], redirectUris: [], scopes: ['user:read'] })
  t.deepEqual(service, { problems: [], grants: ['client_credentials'], scopes: ['user:read'] })
})

test('the name is 1 to 200 code points once trimmed, as utf8mb4 VARCHAR(200) counts them', (t) => {
  const nameProblem = (length: number) => problem('name', `The name must be 1 to 200 characters (Unicode code points); this one has ${length}`)
  t.deepEqual(check({ name: 'x'.repeat(200) }).problems, [])
  t.deepEqual(check({ name: 'x'.repeat(201) }).problems, [nameProblem(201)])
  // 200 emoji are 400 UTF-16 units but 200 code points.
  t.deepEqual(check({ name: '\u{1F512}'.repeat(200) }).problems, [])
  t.deepEqual(check({ name: '\u{1F512}'.repeat(201) }).problems, [nameProblem(201)])
  t.deepEqual(check({ name: `  ${'x'.repeat(200)}  ` }).problems, [], 'spaces around it are not counted')
  t.deepEqual(check({ name: '' }).problems, [nameProblem(0)])
  t.deepEqual(check({ name: ' \t\u00A0' }).problems, [nameProblem(0)])
})

test('grants: the short name device_code, each grant once, and an unknown one is one problem', (t) => {
  const device = check({ grants: ['device_code', DEVICE_CODE, 'refresh_token'], redirectUris: [] })
  t.deepEqual(device.problems, [])
  t.deepEqual(device.grants, [DEVICE_CODE, 'refresh_token'])
  const typo = check({ grants: ['authorisation_code', 'refresh_token'], scopes: ['openid'] })
  t.deepEqual(typo.problems, [
    problem('grant', 'Unknown grant "authorisation_code": use authorization_code, refresh_token, client_credentials or device_code'),
  ], 'no "refresh_token comes with authorization_code" nor scope rules on top of the typo')
  t.deepEqual(typo.grants, ['refresh_token'])
  t.deepEqual(messagesOf({ grants: ['password', 'password'] }), ['Unknown grant "password": use authorization_code, refresh_token, client_credentials or device_code'], 'the same problem once')
  t.deepEqual(check({ grants: [] }).problems, [problem('grant', 'Give at least one grant')])
})

test('refresh tokens come only with a grant that signs a user in, and with offline_access', (t) => {
  t.deepEqual(check({ grants: ['refresh_token'], redirectUris: [], scopes: ['offline_access'] }).problems, [
    problem('grant', 'refresh_token comes with authorization_code or device_code'),
  ])
  t.deepEqual(check({ scopes: ['openid', 'email'] }).problems, [problem('scope', 'refresh_token is issued only for --scope offline_access: add it')])
  t.deepEqual(check({ grants: ['authorization_code'] }).problems, [problem('scope', 'offline_access asks for a refresh token: add --grant refresh_token')])
})

test('a public client cannot use client_credentials', (t) => {
  t.deepEqual(check({ isPublic: true, grants: ['client_credentials'], redirectUris: [], scopes: ['user:read'] }).problems, [
    problem('grant', 'A public client has no secret, so it cannot use client_credentials'),
  ])
  t.deepEqual(check({ isPublic: true }).problems, [], 'a public web or native app with PKCE is fine')
})

test('authorization_code needs a redirect URI and openid; device_code only openid', (t) => {
  t.deepEqual(check({ redirectUris: [] }).problems, [problem('redirect-uri', 'authorization_code needs at least one --redirect-uri')])
  const signIn = problem('scope', 'authorization_code and device_code sign a user in, which needs --scope openid')
  t.deepEqual(check({ scopes: ['email', 'offline_access'] }).problems, [signIn])
  t.deepEqual(check({ grants: ['device_code'], redirectUris: [], scopes: ['email'] }).problems, [signIn])
  t.deepEqual(check({ grants: ['device_code'], redirectUris: [], scopes: ['openid'] }).problems, [])
})

test('client_credentials needs at least one permission scope', (t) => {
  const none = problem('scope', "client_credentials gets a token for the client's permission scopes: give at least one, such as --scope user:read")
  t.deepEqual(check({ grants: ['client_credentials'], redirectUris: [], scopes: ['roles'] }).problems, [none])
  t.deepEqual(check({ grants: ['client_credentials'], redirectUris: [], scopes: [] }).problems, [none], 'client_credentials has no usual scopes')
  t.deepEqual(check({ grants: ['client_credentials'], redirectUris: [], scopes: ['roles', 'user:write'] }).problems, [])
})

test('scopes: each once, an unknown one is one problem and stops the rules about the set', (t) => {
  t.deepEqual(check({ scopes: ['openid', 'email', 'openid', 'offline_access', 'email'] }).scopes, ['openid', 'email', 'offline_access'])
  const typo = check({ scopes: ['opnid', 'offline_access'] })
  t.deepEqual(typo.problems, [problem('scope', 'Unknown scope "opnid": use openid, email, profile, roles, offline_access or a permission name')])
  t.deepEqual(typo.scopes, ['offline_access'])
  t.deepEqual(messagesOf({ scopes: ['OpenID', 'offline_access'] }), ['Unknown scope "OpenID": use openid, email, profile, roles, offline_access or a permission name'], 'scope names are case-sensitive (RFC 6749 section 3.3)')
})

test('without scopes, a client gets its grants\' usual ones', (t) => {
  t.deepEqual(check({ scopes: [] }), { problems: [], grants: ['authorization_code', 'refresh_token'], scopes: ['openid', 'email', 'profile', 'offline_access'] })
  t.deepEqual(check({ grants: ['device_code'], redirectUris: [], scopes: [] }).scopes, ['openid', 'email', 'profile'])
})

test('the usual scopes of each set of grants', (t) => {
  t.deepEqual(usualScopesOf(['authorization_code']), ['openid', 'email', 'profile'])
  t.deepEqual(usualScopesOf([DEVICE_CODE]), ['openid', 'email', 'profile'])
  t.deepEqual(usualScopesOf(['authorization_code', DEVICE_CODE, 'refresh_token']), ['openid', 'email', 'profile', 'offline_access'])
  t.deepEqual(usualScopesOf(['refresh_token']), ['offline_access'])
  t.deepEqual(usualScopesOf(['client_credentials']), [])
  t.deepEqual(usualScopesOf([]), [])
})

test('redirect URIs: https, http on a loopback host, or a private scheme with a dot (RFC 8252)', (t) => {
  const ok = (uri: string) => t.deepEqual(check({ redirectUris: [uri] }).problems, [], uri)
  ok('https://billing.example.com/callback?tenant=7')
  ok('http://localhost:8080/callback')
  ok('http://127.0.0.1:51004/callback')
  ok('http://[::1]:51004/callback')
  ok('com.example.app:/oauth2redirect')
  ok('com.example.app://callback')
  t.deepEqual(messagesOf({ redirectUris: ['http://billing.example.com/callback'] }), ['"http://billing.example.com/callback" must use https (http only on localhost or 127.0.0.1)'])
  t.deepEqual(messagesOf({ redirectUris: ['http://127.0.0.2/callback'] }), ['"http://127.0.0.2/callback" must use https (http only on localhost or 127.0.0.1)'])
  t.deepEqual(messagesOf({ redirectUris: ['http://localhost.example.com/callback'] }), ['"http://localhost.example.com/callback" must use https (http only on localhost or 127.0.0.1)'])
  t.deepEqual(messagesOf({ redirectUris: ['myapp:/callback'] }), ['"myapp:/callback": a private scheme must be a reversed domain name such as com.example.app:/callback'])
  t.deepEqual(messagesOf({ redirectUris: ['javascript:alert(1)'] }), ['"javascript:alert(1)": a private scheme must be a reversed domain name such as com.example.app:/callback'])
})

test('redirect URIs are absolute, without fragment (RFC 6749 section 3.1.2)', (t) => {
  t.deepEqual(check({ redirectUris: ['/callback'] }).problems, [problem('redirect-uri', '"/callback" is not an absolute URI')])
  t.deepEqual(check({ redirectUris: [''] }).problems, [problem('redirect-uri', '"" is not an absolute URI')])
  t.deepEqual(messagesOf({ redirectUris: ['https://billing.example.com/callback#done'] }), ['"https://billing.example.com/callback#done" must not have a fragment'])
  t.deepEqual(messagesOf({ redirectUris: ['https://billing.example.com/callback#'] }), ['"https://billing.example.com/callback#" must not have a fragment'], 'an empty fragment is a fragment')
})

test('credentials before the host are refused without repeating them (RFC 3986 section 3.2.1)', (t) => {
  const advice = 'was given with user credentials before the host (user:password@): remove them, RFC 3986 section 3.2.1 deprecates them'
  t.deepEqual(messagesOf({ redirectUris: ['https://ada:s3cret@billing.example.com/callback'] }), [`"https://billing.example.com/callback" ${advice}`])
  t.deepEqual(messagesOf({ redirectUris: ['https://ada@billing.example.com/callback'] }), [`"https://billing.example.com/callback" ${advice}`])
  t.deepEqual(messagesOf({ redirectUris: ['https://@billing.example.com/callback'] }), [`"https://billing.example.com/callback" ${advice}`], 'an empty user part is still one')
  t.deepEqual(check({ redirectUris: ['https://billing.example.com/callback?by=ada@example.com'] }).problems, [], 'an "@" in the query is no credential')
})

test('post-logout redirect URIs follow the same rules under their own name; every URI is judged', (t) => {
  t.deepEqual(check({ postLogoutRedirectUris: ['https://billing.example.com/bye', 'http://billing.example.com/bye'] }).problems, [
    problem('post-logout-redirect-uri', '"http://billing.example.com/bye" must use https (http only on localhost or 127.0.0.1)'),
  ])
  t.deepEqual(check({ redirectUris: ['/a', '/b'] }).problems, [
    problem('redirect-uri', '"/a" is not an absolute URI'),
    problem('redirect-uri', '"/b" is not an absolute URI'),
  ])
})

test('every independent problem is reported at once', (t) => {
  t.deepEqual(messagesOf({ name: '', isPublic: true, grants: ['client_credentials', 'refresh_token'], redirectUris: ['http://example.com/cb'], scopes: ['email'] }), [
    'The name must be 1 to 200 characters (Unicode code points); this one has 0',
    '"http://example.com/cb" must use https (http only on localhost or 127.0.0.1)',
    'refresh_token comes with authorization_code or device_code',
    'A public client has no secret, so it cannot use client_credentials',
    "client_credentials gets a token for the client's permission scopes: give at least one, such as --scope user:read",
    'refresh_token is issued only for --scope offline_access: add it',
  ])
})

test('a client registered with email may also ask for profile, and nothing else is added', (t) => {
  t.deepEqual(allowedScopesOf(['openid', 'email']), ['openid', 'email', 'profile'])
  t.deepEqual(allowedScopesOf(['openid', 'email', 'profile']), ['openid', 'email', 'profile'])
  t.deepEqual(allowedScopesOf(['openid']), ['openid'])
  t.deepEqual(allowedScopesOf(['user:read']), ['user:read'])
  t.deepEqual(allowedScopesOf([]), [])
  const registered = ['openid']
  t.not(allowedScopesOf(registered), registered, 'a copy: the caller may change it without changing the registration')
})
