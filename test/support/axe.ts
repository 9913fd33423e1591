import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { ExecutionContext } from 'ava'
import type { Page } from 'playwright-core'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[]; failureSummary?: string }>
}

/**
 * axe-core on the page as it is now, in light and then dark mode (prefers-color-scheme emulated):
 * asserts zero violations in each, listing any with their elements. axe is evaluated through the
 * DevTools protocol (page.evaluate), which the page's CSP (script-src 'none' or 'self') does not
 * govern: the page keeps its real headers. The colour scheme is put back to light afterwards.
 */
export async function assertAccessible(t: ExecutionContext, page: Page, what: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    // A string is evaluated as a script by the protocol itself: no eval() inside the page, which its CSP forbids.
    if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE)
    const violations = (await page.evaluate(async () => {
      const scope = globalThis as unknown as { document: unknown; axe: { run(context: unknown, options: object): Promise<{ violations: unknown[] }> } }
      return (await scope.axe.run(scope.document, { resultTypes: ['violations'] })).violations
    })) as AxeViolation[]
    const described = violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
    t.deepEqual(described, [], `${what}, ${colorScheme} mode: axe-core finds no violation`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}
