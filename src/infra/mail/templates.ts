import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Eta } from 'eta'
import type { Config } from '../../config.js'
import { textOn } from '../../domain/colour-contrast.js'
import { HeimdallError } from '../../errors.js'
import { loadLocales, type Locales, type Translator } from '../i18n/catalogues.js'
import { markupOf, tag } from '../i18n/markup.js'
import { BUILTIN_MAIL_TEMPLATES, MAIL_KINDS, MAIL_PARTS, type MailKind, type MailPart } from './builtin-templates.js'

/** A mail's variables: what every template may use. */
export interface MailData {
  /** The address the account had when the mail was queued. */
  email: string
  /** The link to a hosted page, with its one-time token: public_url + link_path, made at send time. */
  link?: string
  new_email?: string
  /** How long the link works, in words ("30 minutes"). */
  expires_in?: string
  /** HEIMDALL_PUBLIC_URL of the process that renders the mail. */
  public_url: string
  /**
   * The mail's language, chosen when it was queued (the user's own choice, else the language of the
   * page that caused it); absent: English. A language no catalogue serves any more is said in English.
   */
  language?: string
  /** How long the link works, in seconds: `expires_in` is said again in the mail's language from it. */
  expires_in_seconds?: number
}

/** What every mail is branded with (HEIMDALL_PRODUCT_NAME, HEIMDALL_BRAND_PRIMARY_COLOR, HEIMDALL_SUPPORT_URL), added at render time. */
export interface MailBrand {
  product_name: string
  brand_colour: string
  brand_text_colour: string
  support_url?: string
}

export const DEFAULT_MAIL_BRAND: MailBrand = { product_name: 'Heimdall', brand_colour: '#3157d5', brand_text_colour: '#ffffff' }

/** The mail brand of a configuration (mails are read in light colours: the light primary colour). */
export function mailBrandOf(config: Pick<Config, 'productName' | 'brandPrimaryColour' | 'supportUrl'>): MailBrand {
  const colour = config.brandPrimaryColour ?? DEFAULT_MAIL_BRAND.brand_colour
  return { product_name: config.productName, brand_colour: colour, brand_text_colour: textOn(colour), ...(config.supportUrl ? { support_url: config.supportUrl } : {}) }
}

/**
 * A mail as the outbox keeps it: no origin, only the link's path and query (with its token; removed
 * once sent). Rows queued before link_path existed carry a whole `link` and a `public_url`.
 */
export type StoredMailData = Omit<MailData, 'public_url'> & { link_path?: string; public_url?: string }

/**
 * The variables of a stored mail rendered at `publicUrl` (the rendering process's HEIMDALL_PUBLIC_URL,
 * without a trailing slash): the link is made here, so whoever queued the mail, it points to where
 * the sending server is reached.
 */
export function mailVariables(stored: StoredMailData, publicUrl: string): MailData {
  const { link_path: linkPath, ...rest } = stored
  return { ...rest, public_url: publicUrl, ...(linkPath === undefined ? {} : { link: `${publicUrl}${linkPath}` }) }
}

export interface RenderedMail {
  subject: string
  text: string
  html: string
}

export interface MailTemplates {
  render(kind: string, data: MailData): RenderedMail
  /** Where each part comes from, for `serve` and `doctor`: "builtin" or the file's path. */
  sources(): Record<string, string>
}

/**
 * The built-in templates, each replaced by `<dir>/<kind>.<part>.eta` when that file exists (read once,
 * at start). HTML bodies escape every interpolation (Eta autoEscape); subjects and plain text do not,
 * since they are not HTML. A template that fails to compile fails here, at start-up.
 */
export function loadMailTemplates(dir: string | undefined, brand: MailBrand = DEFAULT_MAIL_BRAND, locales: Locales = loadLocales()): MailTemplates {
  const htmlEngine = new Eta({ autoEscape: true, cache: true, useWith: false })
  // No trimming: a plain-text mail's blank lines are its layout.
  const textEngine = new Eta({ autoEscape: false, autoTrim: false, cache: true, useWith: false })
  const sources: Record<string, string> = {}
  for (const kind of MAIL_KINDS) {
    for (const part of MAIL_PARTS) {
      const file = dir === undefined ? undefined : join(dir, `${kind}.${part}.eta`)
      const replaced = file !== undefined && existsSync(file)
      const template = replaced ? readFileSync(file, 'utf8') : BUILTIN_MAIL_TEMPLATES[kind][part]
      const engine = part === 'html' ? htmlEngine : textEngine
      try {
        engine.loadTemplate(`@${kind}.${part}`, engine.compile(template))
      } catch (error) {
        throw new HeimdallError('config.invalid', `Mail template ${replaced ? file : `${kind}.${part} (built in)`} does not compile: ${(error as Error).message}`)
      }
      sources[`${kind}.${part}`] = replaced ? file : 'builtin'
    }
  }

  return {
    render(kind, data) {
      if (!(MAIL_KINDS as readonly string[]).includes(kind)) throw new HeimdallError('internal', `No mail template for kind "${kind}"`)
      const t = locales.translator(data.language)
      const expiresIn = data.expires_in_seconds === undefined ? data.expires_in : ttlInWords(t, data.expires_in_seconds)
      const variables = { ...brand, ...data, expires_in: expiresIn, t, th: markupOf(t), tag }
      const part = (name: MailPart) => (name === 'html' ? htmlEngine : textEngine).render(`@${kind}.${name}`, variables)
      // A header is one line: a replaced subject template cannot add header lines.
      return { subject: part('subject').replace(/\s+/g, ' ').trim(), text: part('text'), html: part('html') }
    },
    sources: () => ({ ...sources }),
  }
}

/** "30 minutes", "1 hour", "7 days", in the words of `t` (usecases/recovery/link-mails.ts inWords, in English). */
export function ttlInWords(t: Translator, seconds: number): string {
  if (seconds % 86_400 === 0) return t('time.days', { count: seconds / 86_400 })
  if (seconds % 3600 === 0) return t('time.hours', { count: seconds / 3600 })
  return t('time.minutes', { count: Math.ceil(seconds / 60) })
}

export type { MailKind }
