import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type Router from '@koa/router'
import type { RouterContext } from '@koa/router'
import { openApiDocument } from '../openapi.js'

const require = createRequire(import.meta.url)
// Resolved, not imported: importing swagger-ui-dist would load its 1.7 MB bundle into the server.
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'))

/** Assets come from npm packages on disk, never from a CDN: the docs work with no internet. */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/docs/swagger-ui.css': { file: join(SWAGGER_UI_DIR, 'swagger-ui.css'), type: 'text/css' },
  '/docs/swagger-ui-bundle.js': { file: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'), type: 'application/javascript' },
  '/redoc/redoc.standalone.js': { file: require.resolve('redoc/bundles/redoc.standalone.js'), type: 'application/javascript' },
}

const SWAGGER_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Heimdall API: Swagger UI</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`

const SWAGGER_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' })`

const REDOC_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Heimdall API: ReDoc</title></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body></html>`

/** A page's links would otherwise tell the sites they lead to where the page was; JSON answers navigate nowhere. */
function htmlPage(ctx: RouterContext, page: string): void {
  ctx.type = 'text/html'
  ctx.set('Referrer-Policy', 'no-referrer')
  ctx.body = page
}

export function docsRoutes(router: Router): void {
  const loaded = new Map<string, Buffer>()

  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument
  })
  router.get('/docs', (ctx) => htmlPage(ctx, SWAGGER_PAGE))
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript'
    ctx.body = SWAGGER_INIT
  })
  router.get('/redoc', (ctx) => htmlPage(ctx, REDOC_PAGE))
  for (const [path, asset] of Object.entries(ASSETS)) {
    router.get(path, (ctx) => {
      if (!loaded.has(path)) loaded.set(path, readFileSync(asset.file))
      ctx.type = asset.type
      ctx.set('Cache-Control', 'public, max-age=86400')
      ctx.body = loaded.get(path)
    })
  }
}
