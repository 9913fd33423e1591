import type { ParameterizedContext } from 'koa'
import type { Locales } from '../../infra/i18n/catalogues.js'
import type { PageCookie, PageCookies } from './cookies.js'

/** The language a visitor chose with `?lang=` on any page, for the pages that follow (a year). */
export const LANGUAGE: PageCookie = { name: 'heimdall_lang', path: '/', sameSite: 'Lax', maxAgeSeconds: 365 * 86400 }

/**
 * The best served language for a bare Accept-Language header (a request that never reaches Koa, such
 * as the provider's budget page in http/oidc/mount.ts): by q, an exact tag first, then its language
 * (`de-AT` finds `de`); English when nothing matches.
 */
export function languageOfHeader(locales: Locales, header: string | undefined): string {
  const asked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';')
      const q = Number(params.find((param) => param.trim().startsWith('q='))?.trim().slice(2) ?? 1)
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index }
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of asked) {
    const found = locales.supported(tag) ?? locales.supported(tag.split('-')[0])
    if (found) return found
  }
  return locales.languages[0]
}

/**
 * The language a page request is answered in (issue 27, docs/pages.md "Translations"), one of
 * `locales.languages`: the signed-in user's own choice (`ctx.state.userLanguage`, which the account
 * pages' audience sets), else `?lang=` (remembered in the LANGUAGE cookie when `cookies` is given),
 * else that cookie, else the best match of Accept-Language (Koa's negotiator: a browser's `de-AT`
 * finds `de`), else English. A language nobody serves is ignored at every step.
 */
export function languageOf(locales: Locales, ctx: ParameterizedContext, cookies?: PageCookies): string {
  const chosen = locales.supported(ctx.state.userLanguage as string | undefined)
  if (chosen) return chosen
  const asked = typeof ctx.query.lang === 'string' ? locales.supported(ctx.query.lang) : undefined
  if (asked) {
    if (cookies && ctx.cookies.get(LANGUAGE.name) !== asked) cookies.set(ctx, LANGUAGE, asked)
    return asked
  }
  const remembered = locales.supported(ctx.cookies.get(LANGUAGE.name))
  if (remembered) return remembered
  return (ctx.acceptsLanguages(...locales.languages) || locales.languages[0]) as string
}
