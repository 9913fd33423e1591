import { loadLocales, type Locales, type Translator } from '../../../infra/i18n/catalogues.js'
import { languageOf, languageOfHeader } from '../language.js'
import type { KoaContextWithOIDC } from 'oidc-provider'
import { OIDC_PATH } from '../../../config.js'
import { providerFormPostOf, type ProviderFormPost } from '../../../infra/oidc/provider-form-post.js'
import { leaveSessionUnsaved, postLogoutTargetOf, signInOf, wasSessionSaved, xsrfTokenOf, type ProviderSession } from '../../../infra/oidc/provider-internals.js'
import type { PageBrand } from '../branding.js'
import { createPageEngine } from '../engine.js'
import { formView } from '../form.js'
import { pageCspWithFormTarget, sendPage, spentBudgetMessage } from '../pages.js'
import { PROVIDER_TEMPLATES } from './provider-templates.js'

/**
 * What these pages read of oidc-provider's request context (it ships no types; see src/types): its
 * route, parameters, client and urlFor; the session only through infra/oidc/provider-internals.ts.
 */
interface ProviderContext {
  status: number
  type: string
  body: unknown
  method: string
  set(name: string, value: string): void
  oidc?: {
    route?: string
    params?: Record<string, unknown>
    client?: { clientId: string; clientName?: string }
    session?: ProviderSession
    urlFor(name: string): string
  }
}

/** The error oidc-provider hands to its pages: `out` is what may be shown (err_out.js), never the stack. */
type ErrorOut = { error: string; error_description?: string }

/**
 * The pages oidc-provider renders itself, as Heimdall pages: the device flow's code entry,
 * confirmation and success pages (features.deviceFlow.*Source), the RP-initiated logout confirmation
 * and post-logout pages (features.rpInitiatedLogout.*Source) and the error page (renderError). Each
 * is rendered through the shared layout and templates, with the pages' CSP, no Referer and no
 * caching, set here because these answers never pass through Heimdall's Koa middleware. Every form
 * keeps the provider's own fields (its xsrf token is the CSRF protection) and works without script.
 */
export interface ProviderPages {
  deviceFlow: {
    userCodeInputSource(ctx: KoaContextWithOIDC, form: string, out?: ErrorOut, err?: Error): Promise<void>
    userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, client: { clientId: string; clientName?: string }, deviceInfo: unknown, userCode: string): Promise<void>
    successSource(ctx: KoaContextWithOIDC): Promise<void>
  }
  rpInitiatedLogout: {
    logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void>
    postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void>
  }
  renderError(ctx: KoaContextWithOIDC, out: ErrorOut, err: Error): Promise<void>
  /**
   * Provider middleware (provider.use) for the answers the provider writes as a page that submits
   * itself with an inline script (its form_post helper), which the pages' CSP does not run: the
   * verification_uri_complete link (GET /device?user_code=...) becomes the code entry page with the
   * code filled in, a logout request without a signed-in user the logout page; any other (the
   * authorization's answer with response_mode=form_post, a sign-in resumed as another account, which
   * signs the earlier one out first) a Heimdall page with the same form and a Continue button.
   */
  selfSubmittingForms(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void>
  /**
   * Provider middleware for a path or method under /oidc that the provider does not serve (Koa's bare
   * "Not Found" otherwise): 404 and Heimdall's error page for a browser; http/oidc/not-found.ts answers the rest.
   */
  notFound(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void>
  /** The page (HTML) for a browser whose per-IP budget for a form of the provider (the code entry) is spent; served with PAGE_CSP. */
  spentBudgetPage(retryAfterSeconds: number, acceptLanguage?: string): string
}

/** What each of the provider's device-code errors (re_render_errors.js) means to the person typing. */
const CODE_ERRORS: Record<string, string> = {
  NoCodeError: 'device.no_code',
  NotFoundError: 'device.not_found',
  ExpiredError: 'device.expired',
  AlreadyUsedError: 'device.used',
}

/**
 * `locales`: the catalogues (HEIMDALL_LOCALES_DIR); each page is in the language the request asks
 * for (?lang=, the pages' language cookie, Accept-Language: languageOf in pages.ts).
 */
export function createProviderPages(brand?: PageBrand, locales: Locales = loadLocales()): ProviderPages {
  const engine = createPageEngine(brand)
  engine.define(PROVIDER_TEMPLATES)
  const tOf = (ctx: ProviderContext): Translator => {
    const state = (ctx as unknown as { state: { translator?: Translator } }).state
    return (state.translator ??= locales.translator(languageOf(locales, ctx as never)))
  }

  function render(ctx: ProviderContext, template: string, data: object, options: { status?: number; formTarget?: string } = {}): void {
    if (options.status !== undefined) ctx.status = options.status
    sendPage(ctx, engine.render(template, { ...data, t: tOf(ctx) }), pageCspWithFormTarget(options.formTarget))
  }

  const clientNameOf = (client: { clientId: string; clientName?: string } | undefined) => client?.clientName || client?.clientId
  const oidcOf = (ctx: ProviderContext) => ctx.oidc!
  const xsrfOf = (ctx: ProviderContext) => xsrfTokenOf(oidcOf(ctx).session)

  function renderCodeEntry(ctx: ProviderContext, view: { code?: string; fieldError?: string; formError?: string; notice?: string; status?: number }): void {
    const t = tOf(ctx)
    render(
      ctx,
      '@oidc-device-code',
      {
        title: t('device.title'),
        notice: view.notice,
        form: formView({
          action: oidcOf(ctx).urlFor('code_verification'),
          submit: t('oidc.continue'),
          fields: [{ name: 'user_code', label: t('device.code_label'), type: 'text', autocomplete: 'off', required: true }],
          values: { user_code: view.code },
          errors: view.fieldError ? { user_code: [view.fieldError] } : undefined,
          error: view.formError,
          csrfField: 'xsrf',
          csrfToken: xsrfOf(ctx),
        }),
      },
      { status: view.status },
    )
  }

  function renderLogout(ctx: ProviderContext, view: { message: string; buttons: Array<{ label: string; name?: string; value?: string; secondary?: boolean }>; hidden?: Array<[string, string]>; formTarget: string | undefined }): void {
    render(
      ctx,
      '@oidc-logout',
      { title: tOf(ctx)('session.sign_out'), message: view.message, form: { action: oidcOf(ctx).urlFor('end_session_confirm'), hidden: [['xsrf', xsrfOf(ctx)], ...(view.hidden ?? [])], buttons: view.buttons } },
      { status: 200, formTarget: view.formTarget },
    )
  }

  /**
   * An error on the device pages for a browser without a provider session (no cookie, a forged or
   * expired one: a bot, a page left open for days). The provider's error handler has just put a fresh
   * xsrf token into a session that was never saved, and would fail to persist it (a 500): nothing is
   * saved, and instead of a form that could not be sent, a 400 page says to start again. A server
   * error stays one.
   */
  function renderStartAgain(ctx: ProviderContext, out: ErrorOut | undefined): void {
    leaveSessionUnsaved(oidcOf(ctx).session!)
    const failed = !out || out.error === 'server_error'
    const t = tOf(ctx)
    render(
      ctx,
      '@oidc-error',
      {
        title: failed ? t('error.title_internal') : t('error.title_failed'),
        message: failed ? describe(t, out) : t('device.start_again'),
        error: out?.error ?? 'server_error',
        link: { href: oidcOf(ctx).urlFor('code_verification'), label: t('device.type_code') },
      },
      { status: failed ? 500 : 400 },
    )
  }

  /**
   * Any other answer the provider writes as a self-submitting form (infra/oidc/provider-form-post.ts): the same
   * form as a Heimdall page with a Continue button, its status kept. response_mode=form_post posts
   * the code (or the error) to the client's redirect_uri, whose origin the page's form-action allows.
   */
  function renderFormPost(ctx: ProviderContext, posted: ProviderFormPost): void {
    const here = new URL(oidcOf(ctx).urlFor('end_session'))
    const own = new URL(posted.action, here).origin === here.origin
    const name = clientNameOf(oidcOf(ctx).client)
    const t = tOf(ctx)
    render(
      ctx,
      '@oidc-form-post',
      {
        title: own || !name ? t('oidc.continue') : t('oidc.continue_to', { name }),
        message: own ? t('oidc.other_account') : t('oidc.send_answer', { name: name ?? t('oidc.the_application') }),
        form: { action: posted.action, hidden: posted.fields, buttons: [{ label: t('oidc.continue') }] },
      },
      { formTarget: own ? undefined : posted.action },
    )
  }

  return {
    deviceFlow: {
      async userCodeInputSource(ctx, _form, out, err) {
        if (!err) return renderCodeEntry(ctx, {})
        if (!wasSessionSaved(ctx.oidc?.session)) return renderStartAgain(ctx, out)
        const typed = (err as { userCode?: unknown }).userCode
        const code = typeof typed === 'string' ? typed : undefined
        if (Object.hasOwn(CODE_ERRORS, err.name)) return renderCodeEntry(ctx, { code, fieldError: tOf(ctx)(CODE_ERRORS[err.name]), status: 400 })
        if (err.name === 'AbortedError') return renderCodeEntry(ctx, { notice: tOf(ctx)('device.cancelled'), status: 200 })
        // Anything else (an expired form, a server error): the provider's own words, escaped.
        renderCodeEntry(ctx, { code, formError: describe(tOf(ctx), out), status: ctx.status })
      },
      async userCodeConfirmSource(ctx, _form, client, _deviceInfo, userCode) {
        const posted = oidcOf(ctx).params?.user_code
        const t = tOf(ctx)
        render(ctx, '@oidc-device-confirm', {
          title: t('device.confirm_title'),
          clientName: clientNameOf(client),
          userCode,
          form: {
            action: oidcOf(ctx).urlFor('code_verification'),
            hidden: [['xsrf', xsrfOf(ctx)], ['user_code', typeof posted === 'string' ? posted : userCode], ['confirm', 'yes']],
            buttons: [{ label: t('oidc.continue') }, { label: t('totp.cancel'), name: 'abort', value: 'yes', secondary: true }],
          },
        })
      },
      async successSource(ctx) {
        const name = clientNameOf(oidcOf(ctx).client)
        const t = tOf(ctx)
        render(ctx, '@message', { title: t('device.connected_title'), tone: 'success', message: name ? t('device.connected_name', { name }) : t('device.connected') })
      },
    },

    rpInitiatedLogout: {
      async logoutSource(ctx) {
        const name = clientNameOf(oidcOf(ctx).client)
        const target = oidcOf(ctx).params?.post_logout_redirect_uri
        const t = tOf(ctx)
        renderLogout(ctx, {
          message: name ? t('logout.asks', { name }) : t('logout.question'),
          buttons: [{ label: t('logout.yes'), name: 'logout', value: 'yes' }, { label: t('logout.no'), secondary: true }],
          formTarget: typeof target === 'string' ? target : undefined,
        })
      },
      async postLogoutSuccessSource(ctx) {
        const name = clientNameOf(oidcOf(ctx).client)
        const t = tOf(ctx)
        render(ctx, '@message', { title: t('logout.done_title'), tone: 'success', message: name ? t('logout.done_name', { name }) : t('logout.done') })
      },
    },

    async renderError(ctx, out) {
      const status = ctx.status >= 400 ? ctx.status : 400
      const t = tOf(ctx)
      render(ctx, '@oidc-error', { title: status >= 500 ? t('error.title_internal') : t('error.title_failed'), message: describe(t, out), error: out.error }, { status })
    },

    spentBudgetPage(retryAfterSeconds, acceptLanguage) {
      // A bare Node request (mount.ts), before the provider: its Accept-Language alone.
      const t = locales.translator(languageOfHeader(locales, acceptLanguage))
      return engine.render('@error', { title: t('error.title_rate_limited'), message: spentBudgetMessage(t, retryAfterSeconds), t })
    },

    async notFound(ctx, next) {
      await next()
      if (ctx.status !== 404 || ctx.body != null) return
      const description = `No such endpoint: ${ctx.method} ${OIDC_PATH}${ctx.path}`
      // For anything else than a browser, the JSON error of http/oidc/not-found.ts.
      if (ctx.accepts('json', 'html') === 'html') render(ctx, '@oidc-error', { title: tOf(ctx)('oidc.not_found'), message: description, error: 'invalid_request' }, { status: 404 })
    },

    async selfSubmittingForms(ctx, next) {
      await next()
      const oidc = (ctx as ProviderContext).oidc
      if (!oidc?.route) return
      if (ctx.status === 200 && oidc.route === 'code_verification' && ctx.method === 'GET' && typeof oidc.params?.user_code === 'string') {
        return renderCodeEntry(ctx, { code: oidc.params.user_code })
      }
      if (ctx.status === 200 && oidc.route === 'end_session' && !signInOf(oidc.session)) {
        // Nobody is signed in here: the provider only forgets the request's client and goes back to it.
        renderLogout(ctx, {
          message: tOf(ctx)('logout.not_signed_in'),
          hidden: [['logout', 'yes']],
          buttons: [{ label: tOf(ctx)('oidc.continue') }],
          formTarget: postLogoutTargetOf(oidc.session),
        })
        return
      }
      const posted = providerFormPostOf(ctx.body)
      if (posted) renderFormPost(ctx, posted)
    },
  }
}

/** The provider's description of an error, shown to people; a server error says nothing of its cause. */
function describe(t: Translator, out: ErrorOut | undefined): string {
  if (!out || out.error === 'server_error') return t('error.internal')
  return out.error_description ?? out.error
}
