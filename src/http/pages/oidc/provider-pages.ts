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
  spentBudgetPage(retryAfterSeconds: number): string
}

/** What each of the provider's device-code errors (re_render_errors.js) means to the person typing. */
const CODE_ERRORS: Record<string, string> = {
  NoCodeError: 'Type the code your device shows.',
  NotFoundError: 'That code is not right: check the code on your device and type it again.',
  ExpiredError: 'That code has expired: start again on your device.',
  AlreadyUsedError: 'That code was already used: start again on your device for a new one.',
}

export function createProviderPages(brand?: PageBrand): ProviderPages {
  const engine = createPageEngine(brand)
  engine.define(PROVIDER_TEMPLATES)

  function render(ctx: ProviderContext, template: string, data: object, options: { status?: number; formTarget?: string } = {}): void {
    if (options.status !== undefined) ctx.status = options.status
    sendPage(ctx, engine.render(template, data), pageCspWithFormTarget(options.formTarget))
  }

  const clientNameOf = (client: { clientId: string; clientName?: string } | undefined) => client?.clientName || client?.clientId
  const oidcOf = (ctx: ProviderContext) => ctx.oidc!
  const xsrfOf = (ctx: ProviderContext) => xsrfTokenOf(oidcOf(ctx).session)

  function renderCodeEntry(ctx: ProviderContext, view: { code?: string; fieldError?: string; formError?: string; notice?: string; status?: number }): void {
    render(
      ctx,
      '@oidc-device-code',
      {
        title: 'Connect a device',
        notice: view.notice,
        form: formView({
          action: oidcOf(ctx).urlFor('code_verification'),
          submit: 'Continue',
          fields: [{ name: 'user_code', label: 'Code shown on your device', type: 'text', autocomplete: 'off', required: true }],
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
      { title: 'Sign out', message: view.message, form: { action: oidcOf(ctx).urlFor('end_session_confirm'), hidden: [['xsrf', xsrfOf(ctx)], ...(view.hidden ?? [])], buttons: view.buttons } },
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
    render(
      ctx,
      '@oidc-error',
      {
        title: failed ? 'Something went wrong' : 'That did not work',
        message: failed ? describe(out) : 'This page has expired, or your browser did not send its cookie. Open the device page again and type the code your device shows.',
        error: out?.error ?? 'server_error',
        link: { href: oidcOf(ctx).urlFor('code_verification'), label: 'Type the code' },
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
    render(
      ctx,
      '@oidc-form-post',
      {
        title: own || !name ? 'Continue' : `Continue to ${name}`,
        message: own
          ? 'Another account is signed in on this browser. Continue to sign it out and go on with the account you signed in with.'
          : `Continue to send ${name ?? 'the application'} the answer of this sign-in.`,
        form: { action: posted.action, hidden: posted.fields, buttons: [{ label: 'Continue' }] },
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
        if (Object.hasOwn(CODE_ERRORS, err.name)) return renderCodeEntry(ctx, { code, fieldError: CODE_ERRORS[err.name], status: 400 })
        if (err.name === 'AbortedError') return renderCodeEntry(ctx, { notice: 'The sign-in was cancelled: nothing was shared with the device.', status: 200 })
        // Anything else (an expired form, a server error): the provider's own words, escaped.
        renderCodeEntry(ctx, { code, formError: describe(out), status: ctx.status })
      },
      async userCodeConfirmSource(ctx, _form, client, _deviceInfo, userCode) {
        const posted = oidcOf(ctx).params?.user_code
        render(ctx, '@oidc-device-confirm', {
          title: 'Connect a device?',
          clientName: clientNameOf(client),
          userCode,
          form: {
            action: oidcOf(ctx).urlFor('code_verification'),
            hidden: [['xsrf', xsrfOf(ctx)], ['user_code', typeof posted === 'string' ? posted : userCode], ['confirm', 'yes']],
            buttons: [{ label: 'Continue' }, { label: 'Cancel', name: 'abort', value: 'yes', secondary: true }],
          },
        })
      },
      async successSource(ctx) {
        const name = clientNameOf(oidcOf(ctx).client)
        render(ctx, '@message', { title: 'Device connected', tone: 'success', message: `${name ? `${name} is signed in` : 'The device is signed in'}. You can close this page and go back to your device.` })
      },
    },

    rpInitiatedLogout: {
      async logoutSource(ctx) {
        const name = clientNameOf(oidcOf(ctx).client)
        const target = oidcOf(ctx).params?.post_logout_redirect_uri
        renderLogout(ctx, {
          message: name ? `${name} asks to sign you out. Sign out of Heimdall on this browser?` : 'Sign out of Heimdall on this browser?',
          buttons: [{ label: 'Yes, sign me out', name: 'logout', value: 'yes' }, { label: 'No, stay signed in', secondary: true }],
          formTarget: typeof target === 'string' ? target : undefined,
        })
      },
      async postLogoutSuccessSource(ctx) {
        const name = clientNameOf(oidcOf(ctx).client)
        render(ctx, '@message', { title: 'Signed out', tone: 'success', message: name ? `You are signed out of ${name}; you are still signed in to Heimdall.` : 'You are signed out of Heimdall on this browser.' })
      },
    },

    async renderError(ctx, out) {
      const status = ctx.status >= 400 ? ctx.status : 400
      render(ctx, '@oidc-error', { title: status >= 500 ? 'Something went wrong' : 'That did not work', message: describe(out), error: out.error }, { status })
    },

    spentBudgetPage(retryAfterSeconds) {
      return engine.render('@error', { title: 'Too many attempts', message: spentBudgetMessage(retryAfterSeconds) })
    },

    async notFound(ctx, next) {
      await next()
      if (ctx.status !== 404 || ctx.body != null) return
      const description = `No such endpoint: ${ctx.method} ${OIDC_PATH}${ctx.path}`
      // For anything else than a browser, the JSON error of http/oidc/not-found.ts.
      if (ctx.accepts('json', 'html') === 'html') render(ctx, '@oidc-error', { title: 'Not found', message: description, error: 'invalid_request' }, { status: 404 })
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
          message: 'You are not signed in here. Continue to finish signing out.',
          hidden: [['logout', 'yes']],
          buttons: [{ label: 'Continue' }],
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
function describe(out: ErrorOut | undefined): string {
  if (!out || out.error === 'server_error') return 'Something went wrong on our side. Please try again later.'
  return out.error_description ?? out.error
}
