// /docs and /redoc in a real browser with no internet: headless Chromium (the headless shell the
// other browser files drive, support/browser.ts) loads each page from a test server, every host name
// but the loopback address and localhost fails to resolve, and the DOM once the scripts have rendered
// the operations must hold every operation of the OpenAPI document.
import test from 'ava'
import type { Browser, Page } from 'playwright-core'
import { openApiDocument } from '../../../src/http/openapi.js'
import { BROWSER_TIMEOUT_MS, browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { startTestServer, type TestServer } from '../../support/server.js'

/** Every documented operation: its path, method, summary and first tag. */
const OPERATIONS = Object.entries(openApiDocument.paths).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, { summary: string; tags: string[] }>).map(([method, operation]) => ({ path, method, summary: operation.summary, tag: operation.tags[0] })),
)

/**
 * The DOM of `url` (serialized as `chromium --dump-dom` prints it) once `rendered` holds in the page,
 * in a context of its own. This network inspects TLS with a CA that Chromium does not know: HTTPS
 * errors are ignored, so that only the resolver rules can be what stops a request to the internet.
 */
async function renderedDom(browser: Browser, url: string, rendered: (page: Page) => Promise<unknown>): Promise<string> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true })
  try {
    const page = await context.newPage()
    await page.goto(url)
    await rendered(page)
    return await page.content()
  } finally {
    await context.close()
  }
}

/** The text of a piece of HTML, with the entities these pages use decoded. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}

if (browserAvailable('/docs and /redoc')) {
  let server: TestServer
  let browser: Browser

  test.before(async () => {
    // The documentation pages do not touch the database: one backend is enough.
    server = await startTestServer(backends()[0])
    browser = await launchBrowser()
  })

  test.after.always(async () => {
    await browser?.close()
    await server?.close()
  })

  test('the offline switch works: a page cannot reach a host that it reaches without it', async (t) => {
    // The npm registry answers on this machine and in CI: reached without the resolver rules, not with them.
    const probe = `<script>fetch('https://registry.npmjs.org/', { mode: 'no-cors' }).then(() => { document.body.dataset.net = 'reached' }, () => { document.body.dataset.net = 'blocked' })</script>`
    const page = `data:text/html,<!doctype html><body>${encodeURIComponent(probe)}</body>`
    // The control: the same browser without the resolver rules every other test's browser has.
    const unruled = await launchBrowser({ offline: false })
    const answered = (probePage: Page) => probePage.waitForFunction('document.body.dataset.net !== undefined', undefined, { timeout: BROWSER_TIMEOUT_MS })
    const [online, offline] = await Promise.all([renderedDom(unruled, page, answered).finally(() => unruled.close()), renderedDom(browser, page, answered)])
    if (/data-net="reached"/.test(online)) t.log('without the resolver rules the page reached https://registry.npmjs.org/')
    else t.log('this machine has no internet at all: the control could not reach https://registry.npmjs.org/ either')
    t.regex(offline, /data-net="blocked"/, 'with the resolver rules it cannot')
  })

  test('/docs: Swagger UI renders every operation with no internet', async (t) => {
    const dom = await renderedDom(browser, `${server.url}/docs`, (page) =>
      page.waitForFunction(`document.querySelectorAll('.opblock').length >= ${OPERATIONS.length} || /Failed to load API definition/i.test(document.body.innerText)`, undefined, { timeout: BROWSER_TIMEOUT_MS }),
    )
    t.notRegex(dom, /Failed to load API definition/i)
    t.regex(dom, /class="[^"]*\bswagger-ui\b/, 'Swagger UI mounted')
    t.true(text(dom).includes(openApiDocument.info.title), 'the document title is shown')

    // One block per operation, <div class="opblock opblock-post" ...>, holding data-path="/auth/login".
    const blocks = dom.split(/<div class="opblock opblock-/).slice(1)
    const rendered = blocks.map((block) => `${/^(\w+)/.exec(block)?.[1]} ${/data-path="([^"]*)"/.exec(block)?.[1]}`)
    t.deepEqual(rendered.sort(), OPERATIONS.map(({ method, path }) => `${method} ${path}`).sort(), 'one rendered block per documented operation')
    const page = text(dom)
    for (const { path, method, summary } of OPERATIONS) t.true(page.includes(summary), `the summary of ${method.toUpperCase()} ${path} is rendered`)
  })

  test('/redoc: ReDoc renders its operation menu and every operation with no internet', async (t) => {
    const dom = await renderedDom(browser, `${server.url}/redoc`, (page) =>
      page.waitForFunction(`document.querySelectorAll('[data-section-id*="/paths/"]').length >= ${OPERATIONS.length} || /Something went wrong/i.test(document.body.innerText)`, undefined, { timeout: BROWSER_TIMEOUT_MS }),
    )
    t.notRegex(dom, /Something went wrong/i)
    t.true(text(dom).includes(openApiDocument.info.title), 'the document title is shown')

    // ReDoc names each operation tag/<tag>/paths/<path as a JSON pointer token>/<method>: the menu
    // entry carries it as data-item-id, the rendered section as data-section-id.
    const menuEntries = [...dom.matchAll(/<li[^>]*\bdata-item-id="(tag\/[^"]+\/paths\/[^"]+)"[^>]*>([\s\S]*?)<\/li>/g)]
    const menu = new Map(menuEntries.map(([, id, html]) => [id, text(html)]))
    t.is(menu.size, OPERATIONS.length, 'the menu lists as many operations as the document has')
    for (const { path, method, summary, tag } of OPERATIONS) {
      const id = `tag/${tag}/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`
      t.true(menu.get(id)?.includes(summary), `the menu lists ${method.toUpperCase()} ${path}: "${summary}"`)
      t.true(dom.includes(`data-section-id="${id}"`), `the section of ${method.toUpperCase()} ${path} is rendered`)
    }
  })
}
