import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HeimdallError } from '../../errors.js'
import de from './locales/de.json' with { type: 'json' }
import en from './locales/en.json' with { type: 'json' }

/**
 * The message catalogues of the hosted pages and the mails (issue 27, docs/pages.md "Translations"):
 * one flat JSON object per language, `"page.key": "text with {name} placeholders"`. A value may
 * instead be a plural object, `{ "one": "1 minute", "other": "{count} minutes" }`, chosen by
 * Intl.PluralRules for the `count` parameter. English is the reference: a key another catalogue
 * lacks is said in English.
 *
 * Built in: en and de (./locales). HEIMDALL_LOCALES_DIR adds `<tag>.json` files (a BCP 47 tag such
 * as `fr` or `pt-BR`): a new language, or keys that replace a built-in language's own.
 */

/** A catalogue value: a text, or its plural forms (Intl.PluralRules categories; `other` required). */
export type Message = string | Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }
export type Catalogue = Record<string, Message>

/** Says a catalogue's text in one language. */
export interface Translator {
  /** The language served, as `<html lang>` carries it ("en", "de", "pt-BR"). */
  readonly lang: string
  /** The text of `key` with `{name}` replaced by `params.name`; `count` picks a plural form. English when this language lacks it; the key itself when English does too. */
  (key: string, params?: Record<string, string | number>): string
  /** Whether this language's own catalogue (not the English fallback) has `key`. */
  has(key: string): boolean
}

export interface Locales {
  /** The languages served, English first (the default when nothing matches). */
  readonly languages: readonly string[]
  /** The translator of `lang`; an unknown language gets English. */
  translator(lang: string | null | undefined): Translator
  /** `lang` as one of `languages` (case-insensitive), or undefined. */
  supported(lang: string | null | undefined): string | undefined
}

export const DEFAULT_LANGUAGE = 'en'
export const BUILTIN_CATALOGUES: Readonly<Record<string, Catalogue>> = { en: en as Catalogue, de: de as Catalogue }

const TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/

/**
 * The built-in catalogues plus the `<tag>.json` files of `dir` (read once, at start-up). A file that
 * is not a JSON object of strings (or plural objects) fails the start with config.invalid, naming it.
 */
export function loadLocales(dir?: string): Locales {
  const catalogues = new Map<string, Catalogue>(Object.entries(BUILTIN_CATALOGUES).map(([tag, catalogue]) => [tag, { ...catalogue }]))
  if (dir !== undefined) {
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
      const tag = file.slice(0, -'.json'.length)
      const path = join(dir, file)
      if (!TAG.test(tag)) throw new HeimdallError('config.invalid', `HEIMDALL_LOCALES_DIR: ${path} is not named after a language tag (such as fr.json or pt-BR.json)`)
      const catalogue = parseCatalogue(readFileSync(path, 'utf8'), path)
      const known = [...catalogues.keys()].find((name) => name.toLowerCase() === tag.toLowerCase())
      catalogues.set(known ?? tag, { ...catalogues.get(known ?? tag), ...catalogue })
    }
  }
  const reference = catalogues.get(DEFAULT_LANGUAGE)!
  const translators = new Map<string, Translator>()
  for (const [tag, catalogue] of catalogues) translators.set(tag, createTranslator(tag, catalogue, reference))
  const languages = [DEFAULT_LANGUAGE, ...[...catalogues.keys()].filter((tag) => tag !== DEFAULT_LANGUAGE)]
  const supported = (lang: string | null | undefined) => (lang ? languages.find((tag) => tag.toLowerCase() === lang.toLowerCase()) : undefined)
  return {
    languages,
    supported,
    translator: (lang) => translators.get(supported(lang) ?? DEFAULT_LANGUAGE)!,
  }
}

/** A catalogue file's text as a Catalogue, or config.invalid naming `source` and what is wrong. */
export function parseCatalogue(text: string, source: string): Catalogue {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new HeimdallError('config.invalid', `HEIMDALL_LOCALES_DIR: ${source} is not JSON: ${(error as Error).message}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new HeimdallError('config.invalid', `HEIMDALL_LOCALES_DIR: ${source} must hold one JSON object of "key": "text"`)
  for (const [key, value] of Object.entries(parsed)) {
    const plural = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>).other === 'string' && Object.values(value).every((form) => typeof form === 'string')
    if (typeof value !== 'string' && !plural) throw new HeimdallError('config.invalid', `HEIMDALL_LOCALES_DIR: ${source}: "${key}" must be a text or an object of plural forms with "other"`)
  }
  return parsed as Catalogue
}

/** The `{name}` placeholders of a text (or of each of its plural forms). */
export function placeholdersOf(message: Message): string[] {
  const texts = typeof message === 'string' ? [message] : Object.values(message)
  return [...new Set(texts.flatMap((text) => [...(text ?? '').matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1])))].sort()
}

function createTranslator(lang: string, catalogue: Catalogue, reference: Catalogue): Translator {
  const plurals = new Intl.PluralRules(lang)
  const say = (key: string, params: Record<string, string | number> = {}): string => {
    const message = Object.hasOwn(catalogue, key) ? catalogue[key] : Object.hasOwn(reference, key) ? reference[key] : key
    const text = typeof message === 'string' ? message : (message[plurals.select(Number(params.count ?? 0))] ?? message.other)
    return text.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole))
  }
  return Object.assign(say, { lang, has: (key: string) => Object.hasOwn(catalogue, key) })
}
