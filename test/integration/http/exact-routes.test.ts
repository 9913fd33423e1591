import type { AddressInfo } from 'node:net'
import Router from '@koa/router'
import test from 'ava'
import got from 'got'
import Koa from 'koa'
import { koaExactRoutes } from '../../../src/http/middleware/koa-exact-routes.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

isolatedServerTest('the validation route answers the same on its exact path and on the spellings only @koa/router matches', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('exact'), TEST_PASSWORD)
  for (const path of ['auth/validate', 'auth/validate/', 'AUTH/Validate', 'auth/validate?via=query']) {
    const response = await server.client.http.post(path, { json: { token: accessToken } })
    t.is(response.statusCode, 200, path)
    t.like(response.body as unknown as object, { is_valid: true, error: null }, path)
  }
  const wrongMethod = await server.client.http.get('auth/validate')
  t.is(wrongMethod.statusCode, 405)
  t.is(wrongMethod.headers.allow, 'POST')
  const metrics = String((await server.client.http.get('metrics', { responseType: 'text' })).body)
  t.regex(metrics, /heimdall_http_requests_total\{method="POST",route="\/auth\/validate",status="200"\} 4\n/)
})

/** A bare Koa app serving `router` through koaExactRoutes; resolves with its base URL and a closer. */
async function serve(router: Router): Promise<{ url: string; close(): void }> {
  const app = new Koa()
  app.use(koaExactRoutes(router))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}

test('routes that share a method and path, or have several handlers, still run every handler in turn', async (t) => {
  const router = new Router()
  router.get('/shared', async (ctx, next) => {
    ctx.set('X-First', 'yes')
    await next()
  })
  router.get('/shared', (ctx) => {
    ctx.body = { second: true }
  })
  router.post(
    '/chained',
    async (ctx, next) => {
      ctx.state.seen = 'first'
      await next()
    },
    (ctx) => {
      ctx.body = { seen: ctx.state.seen }
    },
  )
  router.get('/users/:id', (ctx) => {
    ctx.body = { id: ctx.params.id }
  })
  const app = await serve(router)
  t.teardown(app.close)
  const shared = await got(`${app.url}/shared`, { responseType: 'json' })
  t.is(shared.headers['x-first'], 'yes')
  t.deepEqual(shared.body, { second: true })
  t.deepEqual((await got.post(`${app.url}/chained`, { responseType: 'json' })).body, { seen: 'first' })
  t.deepEqual((await got(`${app.url}/users/42`, { responseType: 'json' })).body, { id: '42' })
})

test('a router with middleware of its own is left entirely to @koa/router, so that the middleware runs', async (t) => {
  const router = new Router()
  router.use(async (ctx, next) => {
    ctx.set('X-Router-Middleware', 'ran')
    await next()
  })
  router.get('/plain', (ctx) => {
    ctx.body = { ok: true }
  })
  const app = await serve(router)
  t.teardown(app.close)
  const response = await got(`${app.url}/plain`, { responseType: 'json' })
  t.is(response.headers['x-router-middleware'], 'ran')
  t.deepEqual(response.body, { ok: true })
})
