import { readFileSync } from 'node:fs'
import { fastestAverageMs } from '../../../support/timing.js'
import { serialServerTest, isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../../support/server.js'
import type { ExecutionContext } from 'ava'

/** package.json of the repository: this file runs as dist/test/integration/usecases/queries/*.js. */
const PACKAGE_VERSION: string = JSON.parse(readFileSync(new URL('../../../../../package.json', import.meta.url), 'utf8')).version

const ROUTES = ['/auth/register', '/auth/login', '/auth/validate', '/auth/me', '/auth/refresh', '/auth/logout', '/auth/logout-all', '/health', '/health/detailed', '/ready', '/live', '/', '/openapi.json', '/docs', '/redoc']

/** The src and href of every script and link tag of a page. */
function assetReferences(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((match) => match[1])
}

async function assertLocalAssets(t: ExecutionContext, server: TestServer, page: string): Promise<string[]> {
  const response = await server.client.page(page)
  t.is(response.statusCode, 200)
  t.regex(String(response.headers['content-type']), /^text\/html/)
  const html = response.body
  t.regex(html, /<html/i)
  t.false(/(src|href)\s*=\s*["']?(https?:)?\/\//i.test(html), 'no asset is loaded from another host')
  const assets = assetReferences(html)
  t.true(assets.length > 0, 'the page loads its assets')
  for (const asset of assets) {
    t.true(asset.startsWith('/'), `${asset} is a local path`)
    const served = await server.client.http.get(asset.slice(1), { responseType: 'buffer' })
    t.is(served.statusCode, 200, asset)
    t.true(served.body.length > 0, asset)
    t.regex(String(served.headers['content-type']), asset.endsWith('.css') ? /^text\/css/ : /javascript/, asset)
  }
  return assets
}

serverTest('GET / describes the service and its endpoints', async (t, server) => {
  const response = await server.client.serviceInfo()
  t.is(response.statusCode, 200)
  const body = response.body
  t.is(body.service, 'Heimdall Authentication Service')
  t.is(body.version, PACKAGE_VERSION)
  t.is(typeof body.description, 'string')
  t.true(body.description.length > 0)
  t.is(body.docs, '/docs')
  t.is(body.health, '/health')
  t.is(body.redoc, '/redoc')
  t.is(body.openapi, '/openapi.json')
  t.like(body.auth_endpoints, { login: '/auth/login', register: '/auth/register', validate: '/auth/validate', me: '/auth/me' })
  // Every advertised path really exists on this server.
  for (const path of [body.docs, body.health, body.redoc, body.openapi]) t.is((await server.client.page(path)).statusCode, 200, path)
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('root'), TEST_PASSWORD)
  t.is((await server.client.me(accessToken)).statusCode, 200, body.auth_endpoints.me)
  for (const path of Object.values(body.auth_endpoints) as string[]) {
    t.not((await server.client.http.post(path.slice(1), { json: {} })).statusCode, 404, `${path} is routed`)
  }
})

serverTest('every response carries X-API-Version, including 404s and errors', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('version'), TEST_PASSWORD)
  const responses = {
    root: await server.client.serviceInfo(),
    health: await server.client.health(),
    healthDetailed: await server.client.healthDetailed(),
    ready: await server.client.ready(),
    live: await server.client.live(),
    openapi: await server.client.openapi(),
    docs: await server.client.page('/docs'),
    validate: await server.client.validate(accessToken),
    validateInvalid: await server.client.validate('garbage'),
    me: await server.client.me(accessToken),
    meUnauthorized: await server.client.me(),
    validationError: await server.client.register('not-an-email', TEST_PASSWORD),
    duplicate: await server.client.register((await server.client.me(accessToken)).body.email, TEST_PASSWORD),
    wrongPassword: await server.client.login(uniqueEmail('nobody'), TEST_PASSWORD),
    notFound: await server.client.http.get('no/such/path'),
    methodNotAllowed: await server.client.http.delete('auth/login'),
    malformedJson: await server.client.postRaw('auth/login', '{"email": '),
  }
  const statuses = Object.values(responses).map((response) => response.statusCode)
  for (const status of [200, 400, 401, 404, 405, 422]) t.true(statuses.includes(status), `a ${status} is covered`)
  for (const [name, response] of Object.entries(responses)) t.is(response.headers['x-api-version'], PACKAGE_VERSION, name)
})

serialServerTest('ten GET / calls average under 50 ms (fastest of 3 batches)', async (t, server) => {
  await server.client.serviceInfo()
  const averageMs = await fastestAverageMs(async () => t.is((await server.client.serviceInfo()).statusCode, 200), 10)
  t.log(`average: ${averageMs.toFixed(2)} ms`)
  t.true(averageMs < 50, `${averageMs} ms`)
})

serverTest('GET /openapi.json is an OpenAPI 3 document that documents every route', async (t, server) => {
  const response = await server.client.openapi()
  t.is(response.statusCode, 200)
  const document = response.body
  t.regex(document.openapi, /^3\.\d+\.\d+$/)
  t.regex(document.info.title, /Heimdall/)
  t.is(document.info.version, PACKAGE_VERSION)
  for (const path of ROUTES) t.truthy(document.paths[path], `${path} is documented`)
  t.truthy(document.paths['/auth/register'].post)
  t.truthy(document.paths['/auth/login'].post)
  t.truthy(document.paths['/auth/validate'].post)
  t.truthy(document.paths['/auth/me'].get)
  t.truthy(document.paths['/health'].get)
  // Every $ref points at a schema the document defines.
  const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1])
  t.true(refs.length > 0)
  for (const ref of new Set(refs)) {
    t.regex(ref, /^#\/components\/schemas\/[^/]+$/, 'an OpenAPI component reference')
    t.truthy(document.components.schemas[ref.split('/').at(-1)!], ref)
  }
  t.truthy(document.components.securitySchemes.bearer)
})

serverTest('GET /docs serves Swagger UI from local assets only', async (t, server) => {
  const assets = await assertLocalAssets(t, server, '/docs')
  t.true(assets.some((asset) => /swagger-ui-bundle\.js$/.test(asset)))
  t.true(assets.some((asset) => /\.css$/.test(asset)))
  t.regex((await server.client.page('/docs')).body, /swagger-ui/i)
})

serverTest('GET /redoc serves ReDoc from local assets only', async (t, server) => {
  const assets = await assertLocalAssets(t, server, '/redoc')
  t.true(assets.some((asset) => /redoc.*\.js$/.test(asset)))
  const html = (await server.client.page('/redoc')).body
  t.regex(html, /<redoc\b[^>]*spec-url=["']\/openapi\.json["']/)
})

serverTest('unknown paths are 404, wrong methods 405 and malformed JSON 400, all with JSON error bodies', async (t, server) => {
  for (const path of ['no/such/path', 'auth/nope', 'health/nope']) {
    const notFound = await server.client.http.get(path)
    t.is(notFound.statusCode, 404, path)
    t.deepEqual(notFound.body, { error: (notFound.body as any).error, status_code: 404, path: `/${path}`, code: 'route.not_found' })
    t.is(typeof (notFound.body as any).error, 'string')
  }
  const postNotFound = await server.client.post('auth/unknown', { a: 1 })
  t.is(postNotFound.statusCode, 404)
  t.is(postNotFound.body.status_code, 404)

  for (const [method, path] of [['get', 'auth/login'], ['get', 'auth/register'], ['delete', 'auth/validate'], ['post', 'health'], ['put', 'auth/me']] as const) {
    const response = await server.client.http(path, { method: method.toUpperCase() as 'GET' })
    t.is(response.statusCode, 405, `${method} ${path}`)
    t.is((response.body as any).status_code, 405)
    t.is((response.body as any).path, `/${path}`)
    t.is(typeof (response.body as any).error, 'string')
  }

  for (const [path, raw] of [['auth/login', '{"email": '], ['auth/register', '{email: "a@b.co"}'], ['auth/validate', 'not json at all'], ['auth/login', '{"email":"a@example.com",}']]) {
    const response = await server.client.postRaw(path, raw)
    t.true([400, 422].includes(response.statusCode), `${path} ${raw}: ${response.statusCode}`)
    t.is(response.statusCode, 400)
    t.regex(String(response.headers['content-type']), /application\/json/)
    t.is(typeof response.body.error, 'string')
    t.is(response.body.status_code, 400)
    t.is(response.body.path, `/${path}`)
  }
})

isolatedServerTest('GET /ready is 200 when migrated and the database answers, 503 otherwise; GET /live is always 200', async (t, server) => {
  const ready = await server.client.ready()
  t.is(ready.statusCode, 200)
  t.deepEqual(ready.body, { status: 'ready' })
  const live = await server.client.live()
  t.is(live.statusCode, 200)
  t.deepEqual(live.body, { status: 'alive' })

  server.context.ready = false
  const notMigrated = await server.client.ready()
  t.is(notMigrated.statusCode, 503)
  t.is(notMigrated.body.status, 'not_ready')
  t.regex(notMigrated.body.reason, /migration/i)
  t.is((await server.client.live()).statusCode, 200)
  const blocked = await server.client.register(uniqueEmail('early'), TEST_PASSWORD)
  t.is(blocked.statusCode, 503, 'the API refuses work until it is ready')
  t.is(blocked.body.status_code, 503)

  server.context.ready = true
  t.is((await server.client.ready()).statusCode, 200)
  await server.context.db.destroy()
  const noDatabase = await server.client.ready()
  t.is(noDatabase.statusCode, 503)
  t.is(noDatabase.body.status, 'not_ready')
  t.regex(noDatabase.body.reason, /database/i)
  t.deepEqual((await server.client.live()).body, { status: 'alive' })
})
