/**
 * What a Markdown page links to and which anchors it offers, read the way GitHub renders it, for the
 * test that keeps the README's and docs/' links working. Only the Markdown this repository writes:
 * ATX headings (`## Title`), inline links (`[text](target)`), fenced code blocks (``` or ~~~, maybe
 * indented inside a list), inline code spans.
 */

/** A link as written: its target (path and `#anchor`, either may be empty) and its 1-based line. */
export interface MarkdownLink {
  target: string
  line: number
}

const FENCE = /^\s*(```|~~~)/
const HEADING = /^#{1,6}\s+(.*?)\s*#*\s*$/
/** `[text](target)` or `[text](target "title")`; the text may hold code spans, not brackets. */
const INLINE_LINK = /\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g
const CODE_SPAN = /(`+)[^`]*?\1/g

/** The lines of `markdown` outside fenced code blocks, each with its 1-based number. */
function proseLines(markdown: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = []
  let fenced = false
  markdown.split('\n').forEach((text, index) => {
    if (FENCE.test(text)) fenced = !fenced
    else if (!fenced) lines.push({ text, line: index + 1 })
  })
  return lines
}

/**
 * GitHub's anchor for a heading's text (github-slugger, which github.com uses): lower-cased, every
 * character that is not a letter, a mark, a digit, `_`, `-` or a space dropped, then each space
 * becomes `-` (not collapsed: "RS256 / EdDSA" gives "rs256--eddsa"). Markdown inside the heading
 * counts as its rendered text: a link as its text, a code span without its backticks.
 */
export function githubSlug(heading: string): string {
  const rendered = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/**
 * Every anchor a page offers, as GitHub makes them: one per heading outside code blocks, and a
 * heading whose slug is already taken gets `-1`, `-2` ... in order.
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text } of proseLines(markdown)) {
    const match = HEADING.exec(text)
    if (!match) continue
    const slug = githubSlug(match[1]!)
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/** Every inline link of a page outside code blocks and code spans, in order. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = []
  for (const { text, line } of proseLines(markdown)) {
    for (const match of text.replace(CODE_SPAN, '').matchAll(INLINE_LINK)) links.push({ target: match[1]!, line })
  }
  return links
}

/** Whether a target leaves the repository (a URL with a scheme, e.g. https: or mailto:). */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target)
}
