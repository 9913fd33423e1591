import type Router from '@koa/router'
import type { ParameterizedContext } from 'koa'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { clientIp } from '../client-ip.js'
import { FORM_TYPE } from '../middleware/koa-json-body.js'
import { requestContexts } from '../request-context.js'
import { createPageCookies, type PageCookies } from './cookies.js'
import { createCsrf, type Csrf } from './csrf.js'
import { createPageEngine, type PageEngine } from './engine.js'
import { loadBranding } from '../../infra/branding.js'
import { brandRoutes, pageBrandOf } from './branding.js'
import { loadLocales, type Locales, type Translator } from '../../infra/i18n/catalogues.js'
import { languageOf } from './language.js'

/**
 * Pages for people (reset a password, confirm an address, later sign-in and account pages), next to
 * the JSON API. What every page shares lives here: the template engine, the CSRF helper, the headers.
 *
 * A page, in short, with the form-page kit (form-page.ts; test/integration/pages/page-toolkit.test.ts
 * builds one by hand on pages.page):
 * ```ts
 * pages.engine.define({ '@my-page': `<% layout('@layout') %><%~ include('@form', it.form) %>` })
 * formPage(pages, {
 *   path: '/account/my-page',
 *   audience: doors.signedIn,                                         // or anyone: who may see and post it
 *   show: (ctx, account, binding) => pages.render(ctx, '@my-page', { title: 'My page', form: formView({ ..., csrfField: CSRF_FIELD, csrfToken: pages.csrf.issue(ctx, binding) }) }),
 *   budget: { spends: '/auth/my-command' },                           // or { none: 'why' }: docs/security.md
 *   fields: ['new_name'],
 *   run: async (ctx, { actor, field }) => { await myCommand(pages.contextOf(ctx), actor, { name: field('new_name') }) },
 *   rerender: (ctx, post, problem) => ...,                           // a 4xx: problem.errors beside the fields
 * })
 * ```
 * Errors a page does not catch are rendered by koaErrorHandler as an HTML page (renderError).
 */
export const PAGES_PREFIX = '/account/'

/**
 * No script at all (the pages work without JavaScript), styles only from Heimdall's own stylesheet,
 * forms only back to Heimdall, never framed, no <base> rewriting.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/**
 * PAGE_CSP for a page whose form ends, after the provider's redirects, at `target` (a relying party's
 * redirect_uri or post_logout_redirect_uri): browsers apply form-action to every redirect that follows
 * a form's POST, so the target's origin (or, for a native app's private-scheme URI such as
 * com.example.app:/cb, its scheme; RFC 8252) is allowed too. Anything that does not parse adds nothing.
 */
export function pageCspWithFormTarget(target: string | undefined): string {
  const url = target === undefined ? null : URL.parse(target)
  if (!url) return PAGE_CSP
  // URL serialises origins and schemes without spaces or semicolons: nothing can end the directive.
  const source = /^https?:$/.test(url.protocol) ? url.origin : /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : undefined
  return source === undefined ? PAGE_CSP : PAGE_CSP.replace("form-action 'self'", `form-action 'self' ${source}`)
}

export type PageHandler = (ctx: ParameterizedContext) => Promise<void> | void

/**
 * What a page's POST declares about the per-IP budget (HEIMDALL_RATE_LIMIT_PER_MINUTE, docs/security.md):
 * `spends`, the endpoint whose budget it spends (its API twin's, such as '/auth/login', so that a
 * second door adds no attempts; or its own path when it has no twin), for a form that checks a
 * credential (password, code, passkey, link token) or costs a mail; or `none`, why it needs none (it
 * checks no credential: a signed-in session and its CSRF token). Required: a form cannot be
 * registered without saying which.
 */
export type PageBudget = { readonly spends: string } | { readonly none: string }

/** A page's handlers: GET shows it; a POST comes with its budget. */
export type PageHandlers = { get?: PageHandler; post?: undefined } | { get?: PageHandler; post: PageHandler; budget: PageBudget }

export interface Pages {
  readonly engine: PageEngine
  readonly csrf: Csrf
  /** The one writer of the pages' cookies (Secure when HEIMDALL_PUBLIC_URL is https). */
  readonly cookies: PageCookies
  /** The context a page passes to use cases: the app's, with this request's logger (request-context.ts). */
  contextOf(ctx: ParameterizedContext): Context
  /** The client's address, as the API reads it (HEIMDALL_TRUSTED_PROXIES). */
  ipOf(ctx: ParameterizedContext): string
  /** The paths of registered pages, whose POST bodies koaJsonBody reads as forms. */
  readonly formPaths: ReadonlySet<string>
  /** Every page that takes a POST, with its declared budget (for koaRateLimit and the check in app.ts). */
  readonly budgets: ReadonlyMap<string, PageBudget>
  /** Registers a page: GET shows it, POST takes its form (application/x-www-form-urlencoded) and spends its declared budget. */
  page(path: string, handlers: PageHandlers): void
  /**
   * Answers with a rendered template and the page headers: `csp` (PAGE_CSP unless the page needs more,
   * such as the passkey script or a form that ends at a client's address), no Referer, no caching.
   */
  render(ctx: ParameterizedContext, template: string, data: object, status?: number, csp?: string): void
  /** Answers an error that escaped a page (404, 413, 415, CSRF, 500) as an HTML page. */
  renderError(ctx: ParameterizedContext, error: HeimdallError): void
  /** Whether an answer for this path is a page (HTML) rather than JSON. */
  isPagePath(path: string): boolean
  /** The message catalogues (built in and HEIMDALL_LOCALES_DIR). */
  readonly locales: Locales
  /**
   * The catalogue this request is answered in (issue 27; language.ts languageOf: the signed-in user's
   * choice, ?lang=, its cookie, Accept-Language, English). Decided once per request.
   */
  t(ctx: ParameterizedContext): Translator
}


export function createPages(router: Router, context: Context): Pages {
  const branding = loadBranding(context.config)
  const engine = createPageEngine(pageBrandOf(branding))
  const formPaths = new Set<string>()
  const budgets = new Map<string, PageBudget>()
  const cookies = createPageCookies(context.config.publicUrl.startsWith('https:'))
  const csrf = createCsrf({ key: () => context.derivedKey('csrf'), cookies })
  const contextOf = requestContexts(context)
  const locales = loadLocales(context.config.localesDir)


  brandRoutes(router, branding)

  const pages: Pages = {
    engine,
    csrf,
    cookies,
    contextOf: (ctx) => {
      const scoped = contextOf(ctx as never)
      // Mails a use case queues for this request are written in its language, unless the user chose
      // one. Read when a mail is queued: the account pages' audience may not have found the user yet.
      return Object.defineProperty(scoped, 'requestLanguage', { get: () => pages.t(ctx).lang })
    },
    ipOf: (ctx) => clientIp(ctx as never, context.config.trustedProxies),
    formPaths,
    budgets,
    page(path, handlers) {
      formPaths.add(path)
      if (handlers.get) router.get(path, handlers.get)
      if (handlers.post) {
        budgets.set(path, handlers.budget)
        router.post(path, handlers.post)
      }
    },
    render(ctx, template, data, status = 200, csp = PAGE_CSP) {
      ctx.status = status
      sendPage(ctx, engine.render(template, { ...data, t: pages.t(ctx) }), csp)
    },
    renderError(ctx, error) {
      const t = pages.t(ctx)
      const message = error.code === 'request.rate_limited' ? spentBudgetMessage(t, error.retryAfterSeconds) : error.expose ? errorMessageOf(t, error) : t('error.internal')
      pages.render(ctx, '@error', { title: titleOf(t, error.status), message }, error.status)
    },
    isPagePath(path) {
      return formPaths.has(path) || path.startsWith(PAGES_PREFIX)
    },
    locales,
    t(ctx) {
      const state = ctx.state as { translator?: Translator }
      return (state.translator ??= locales.translator(languageOf(locales, ctx, cookies)))
    },
  }
  return pages
}

/**
 * Answers with a page's HTML and the headers every page carries: its Content-Security-Policy (one,
 * set here once), no Referer, no caching. The status is the caller's. Takes any Koa context, the
 * provider's own among them (provider-pages.ts).
 */
export function sendPage(ctx: { type: string; body: unknown; set(field: string, value: string): void }, html: string, csp: string): void {
  ctx.type = 'text/html; charset=utf-8'
  ctx.set('Content-Security-Policy', csp)
  // Page addresses carry one-time tokens (?token=...): no link or form may send them on in a Referer.
  ctx.set('Referrer-Policy', 'no-referrer')
  ctx.set('Cache-Control', 'no-store')
  ctx.body = html
}

/** The posted form of a page request; anything but a form body is refused with 415. */
export function postedForm(ctx: ParameterizedContext): Record<string, unknown> {
  const body = ctx.request.body
  if (typeof body !== 'object' || body === null) {
    throw new HeimdallError('request.unsupported_media_type', `This page takes a form (${FORM_TYPE})`)
  }
  return body as Record<string, unknown>
}

/** A spent per-IP budget in words for people: the API's message names an endpoint, which means nothing on a page. */
export function spentBudgetMessage(t: Translator, retryAfterSeconds: number | undefined): string {
  const wait = retryAfterSeconds === undefined ? t('time.a_minute') : t('time.seconds', { count: retryAfterSeconds })
  return t('error.rate_limited', { wait })
}

/**
 * A shown HeimdallError's message in the page's language: the catalogue's `errors.<code>` where the
 * language has one (it says the same as the API's English message, without its variable details),
 * else the error's own message. English pages keep the API's message, word for word.
 */
export function errorMessageOf(t: Translator, error: HeimdallError): string {
  return t.lang !== 'en' && t.has(`errors.${error.code}`) ? t(`errors.${error.code}`) : error.message
}

function titleOf(t: Translator, status: number): string {
  if (status === 404) return t('error.title_not_found')
  if (status === 403) return t('error.title_forbidden')
  if (status === 429) return t('error.title_rate_limited')
  if (status >= 500) return t('error.title_internal')
  return t('error.title_failed')
}
