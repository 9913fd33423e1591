import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

serverTest('security headers on every response; no-store on auth responses; no server fingerprint', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('headers'), TEST_PASSWORD)
  const responses = {
    root: await server.client.serviceInfo(),
    health: await server.client.health(),
    login: await server.client.login(uniqueEmail(), TEST_PASSWORD),
    validate: await server.client.validate(accessToken),
    me: await server.client.me('garbage'),
    notFound: await server.client.http.get('nope'),
    docs: await server.client.page('/docs'),
  }
  for (const [name, response] of Object.entries(responses)) {
    t.is(response.headers['x-content-type-options'], 'nosniff', name)
    t.regex(String(response.headers['content-security-policy']), /frame-ancestors 'none'/, name)
    t.is(response.headers['x-frame-options'], 'DENY', name)
    t.is(response.headers['x-powered-by'], undefined, name)
    t.is(response.headers.server, undefined, name)
  }
  for (const name of ['login', 'validate', 'me'] as const) t.is(responses[name].headers['cache-control'], 'no-store', name)
  t.is(responses.docs.headers['referrer-policy'], 'no-referrer', 'pages do not leak their address through their links')
  t.is((await server.client.page('/redoc')).headers['referrer-policy'], 'no-referrer')
})
