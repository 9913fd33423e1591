import type { Translator } from './catalogues.js'

/**
 * Catalogue texts inside HTML (pages and mails): a text is escaped like any other interpolation, and
 * the markup around a parameter (the address in bold) is written by the template, not the catalogue,
 * so that a catalogue can never inject HTML.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character])
}

/** An element around an escaped text, for a `th` parameter: tag('strong', email, 'address'). */
export function tag(name: 'strong' | 'code' | 'em', text: unknown, className?: string): string {
  return `<${name}${className ? ` class="${escapeHtml(className)}"` : ''}>${escapeHtml(text)}</${name}>`
}

/**
 * `th(key, params)`: the text of `key` as HTML, the text escaped and its {placeholders} replaced by
 * `params`, which are HTML already (tag(), or another th()); numbers stay numbers (a plural's count).
 */
export function markupOf(t: Translator): (key: string, params?: Record<string, string | number>) => string {
  return (key, params = {}) => {
    const slots = Object.fromEntries(Object.entries(params).map(([name, value], index) => [name, typeof value === 'number' ? value : `\u0000${index}\u0000`]))
    const text = escapeHtml(t(key, slots))
    return text.replace(/\u0000(\d+)\u0000/g, (_whole, index: string) => String(Object.values(params)[Number(index)]))
  }
}
