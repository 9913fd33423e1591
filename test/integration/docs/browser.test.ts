// /docs and /redoc in a real browser with no internet: headless Chromium (Debian's package) loads
// each page from a test server, every host name but 127.0.0.1 fails to resolve, and the DOM after
// the scripts ran must hold the rendered operations of the OpenAPI document.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { openApiDocument } from '../../../src/http/openapi.js'
import { backends } from '../../support/db.js'
import { flagSet } from '../../support/flags.js'
import { startTestServer, type TestServer } from '../../support/server.js'

// Debian's full Chromium, not the headless shell the other browser files drive (support/browser.ts):
// the shell's build never finishes `--dump-dom`, which this file relies on.
const CHROMIUM = process.env.HEIMDALL_DUMP_DOM_CHROMIUM ?? '/usr/bin/chromium'
/** CI (and anyone who sets HEIMDALL_TEST_BROWSER=1) must run these tests: a missing browser fails. */
const REQUIRED = flagSet(process.env.CI) || flagSet(process.env.HEIMDALL_TEST_BROWSER)

/** No internet: every name resolves to nothing, except the test server's address. */
const OFFLINE = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'

/** Every documented operation: its path, method, summary and first tag. */
const OPERATIONS = Object.entries(openApiDocument.paths).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, { summary: string; tags: string[] }>).map(([method, operation]) => ({ path, method, summary: operation.summary, tag: operation.tags[0] })),
)

/** The DOM of `url` once its scripts ran, as `chromium --dump-dom` prints it. */
function dumpDom(url: string, extraArgs: string[] = [OFFLINE]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'heimdall-chromium-'))
  const args = [
    '--headless',
    '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-proxy-server', // a proxy from the environment must not reach the internet for the page either
    // This network inspects TLS with a CA that Chromium does not know: without this, every https
    // request would fail anyway, and the test would not show that the resolver rules are what stops them.
    '--ignore-certificate-errors',
    `--user-data-dir=${profile}`,
    ...extraArgs,
    // Virtual time runs the page's timers fast and waits for its network, up to 15 s of page time.
    '--virtual-time-budget=15000',
    '--dump-dom',
    url,
  ]
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 120000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true })
      if (error) reject(new Error(`${CHROMIUM} failed on ${url}: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
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

if (!existsSync(CHROMIUM)) {
  const reason = `${CHROMIUM} is not installed (Debian: apt-get install -y chromium; .ci/run installs it)`
  if (REQUIRED) {
    test('/docs and /redoc render in headless Chromium', (t) => {
      t.fail(`${reason}, and CI or HEIMDALL_TEST_BROWSER=1 requires this test`)
    })
  } else {
    console.log(`[docs/browser] skipped: ${reason}; set HEIMDALL_TEST_BROWSER=1 to require it`)
    test.skip(`/docs and /redoc render in headless Chromium: skipped, ${reason}`, () => {})
  }
} else {
  let server: TestServer

  test.before(async () => {
    // The documentation pages do not touch the database: one backend is enough.
    server = await startTestServer(backends()[0])
  })

  test.after.always(async () => {
    await server?.close()
  })

  test('the offline switch works: a page cannot reach a host that it reaches without it', async (t) => {
    // The npm registry answers on this machine and in CI: reached without OFFLINE, not with it.
    const probe = `<script>fetch('https://registry.npmjs.org/', { mode: 'no-cors' }).then(() => { document.body.dataset.net = 'reached' }, () => { document.body.dataset.net = 'blocked' })</script>`
    const page = `data:text/html,<!doctype html><body>${encodeURIComponent(probe)}</body>`
    const [online, offline] = await Promise.all([dumpDom(page, []), dumpDom(page)])
    if (/data-net="reached"/.test(online)) t.log('without the resolver rules the page reached https://registry.npmjs.org/')
    else t.log('this machine has no internet at all: the control could not reach https://registry.npmjs.org/ either')
    t.regex(offline, /data-net="blocked"/, 'with the resolver rules it cannot')
  })

  test('/docs: Swagger UI renders every operation with no internet', async (t) => {
    const dom = await dumpDom(`${server.url}/docs`)
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
    const dom = await dumpDom(`${server.url}/redoc`)
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
