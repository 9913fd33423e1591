// The README is the front door (issue 22): small, and every page it and docs/ link to is there, with
// the heading an `#anchor` names. External links are not fetched (the tests run without internet).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { githubSlug, headingAnchors, isExternal, markdownLinks } from '../support/markdown-links.js'

/** The repository root: this file runs as dist/test/unit/docs-links.test.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const README = join(ROOT, 'README.md')
/** A front door, not a manual: the references live in docs/. */
const README_MAX_BYTES = 8192

const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => join(ROOT, 'docs', name))
const PAGES = [README, ...DOCS]

const read = (file: string) => readFileSync(file, 'utf8')

/** What is wrong with one link of `page`, or undefined when its file and heading exist. */
function brokenLink(page: string, target: string): string | undefined {
  const hash = target.indexOf('#')
  const path = hash < 0 ? target : target.slice(0, hash)
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1))
  const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path))
  if (!existsSync(file)) return `no file ${relative(ROOT, file)}`
  if (anchor === undefined) return undefined
  if (!file.endsWith('.md')) return `an anchor into ${relative(ROOT, file)}, which has no headings`
  if (!headingAnchors(read(file)).has(anchor)) return `no heading "#${anchor}" in ${relative(ROOT, file)}`
  return undefined
}

test('README.md is under 8 KB', (t) => {
  const bytes = statSync(README).size
  t.true(bytes < README_MAX_BYTES, `README.md is ${bytes} bytes; move detail into docs/`)
})

test('every relative link in README.md and docs/*.md names an existing file, and every #anchor a heading of it', (t) => {
  const broken: string[] = []
  let checked = 0
  for (const page of PAGES) {
    for (const { target, line } of markdownLinks(read(page))) {
      if (isExternal(target)) continue
      checked++
      const problem = brokenLink(page, target)
      if (problem) broken.push(`${relative(ROOT, page)}:${line} (${target}): ${problem}`)
    }
  }
  t.deepEqual(broken, [])
  t.true(checked > 30, `only ${checked} links found: is the link reader still reading them?`)
})

test('README.md links every page of docs/', (t) => {
  const linked = new Set(
    markdownLinks(read(README))
      .filter(({ target }) => !isExternal(target))
      .map(({ target }) => resolve(ROOT, target.split('#')[0]!)),
  )
  t.deepEqual(DOCS.filter((page) => !linked.has(page)).map((page) => relative(ROOT, page)), [])
})

test('anchors are made as GitHub makes them', (t) => {
  t.is(githubSlug('A five-minute tour'), 'a-five-minute-tour')
  t.is(githubSlug('Asymmetric tokens (RS256 / EdDSA) and JWKS'), 'asymmetric-tokens-rs256--eddsa-and-jwks')
  t.is(githubSlug('Node 20: "Unsupported runtime"'), 'node-20-unsupported-runtime')
  t.is(githubSlug('Recipe: sign in to `Grafana` with [Heimdall](../README.md)'), 'recipe-sign-in-to-grafana-with-heimdall')
  t.deepEqual(
    [...headingAnchors('# Page\n## Keys\n```sh\n# not a heading\n```\n## Keys\n   ```\n   ## inside a list\n   ```\n')],
    ['page', 'keys', 'keys-1'],
  )
})

test('links in code are not links, and external ones are told apart', (t) => {
  const links = markdownLinks('See [tokens](docs/tokens.md#introspection) and `[x](nowhere.md)`.\n```\n[y](nowhere.md)\n```\n[site](https://example.com)')
  t.deepEqual(links, [
    { target: 'docs/tokens.md#introspection', line: 1 },
    { target: 'https://example.com', line: 5 },
  ])
  t.true(isExternal('https://example.com'))
  t.false(isExternal('docs/tokens.md'))
})
