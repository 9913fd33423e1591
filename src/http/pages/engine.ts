import { Eta } from 'eta'
import { DEFAULT_BRAND, type PageBrand } from './branding.js'
import { STYLESHEET_PATH } from './styles.js'
import { SHARED_TEMPLATES } from './templates.js'
import { loadLocales, type Translator } from '../../infra/i18n/catalogues.js'
import { markupOf, tag } from '../../infra/i18n/markup.js'
import { SCRIPT_WORD_KEYS } from './account/passkey-script.js'

const ENGLISH = loadLocales().translator('en')

/**
 * The template engine of the hosted pages: Eta with autoEscape, so every `<%= %>` is HTML-escaped by
 * the engine (no escaping by hand anywhere); templates are strings registered by name (`@name`),
 * compiled once and cached.
 */
export interface PageEngine {
  /** Registers page templates by name (`@reset-password`); a name can be defined once. */
  define(templates: Record<string, string>): void
  /**
   * The HTML of a registered template; `data` is its `it`, plus `stylesheet` and `brand` (branding.ts)
   * for the layout, and the words: `t` (the request's Translator, English unless data brings one; a
   * text for `<%= %>`), `th(key, params)` (a text as HTML whose params are HTML already, such as
   * `tag('strong', it.email)`, for `<%~ %>`), `tag(name, text, className?)` (an element around an escaped text).
   */
  render(name: string, data: object): string
}

export function createPageEngine(brand: PageBrand = DEFAULT_BRAND): PageEngine {
  const eta = new Eta({ autoEscape: true, cache: true, useWith: false, varName: 'it' })
  const defined = new Set<string>()
  const engine: PageEngine = {
    define(templates) {
      for (const [name, template] of Object.entries(templates)) {
        if (!name.startsWith('@')) throw new Error(`page template names start with @ (got "${name}")`)
        if (defined.has(name)) throw new Error(`page template ${name} is defined twice`)
        defined.add(name)
        eta.loadTemplate(name, template)
      }
    },
    render(name, data) {
      const t = (data as { t?: Translator }).t ?? ENGLISH
      // The passkey script's words (passkey-script.ts), for a page in another language than English.
      const scriptWords = t.lang === 'en' ? undefined : Object.fromEntries(SCRIPT_WORD_KEYS.map((key) => [key, t(key)]))
      return eta.render(name, { stylesheet: STYLESHEET_PATH, brand, ...data, t, th: markupOf(t), tag, scriptWords })
    },
  }
  engine.define(SHARED_TEMPLATES)
  return engine
}
