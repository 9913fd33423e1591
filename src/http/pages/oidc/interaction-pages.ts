import type { ParameterizedContext } from 'koa'
import type { InteractionDetails } from 'oidc-provider'
import type { Context } from '../../../context.js'
import { mustAuthenticateAgain } from '../../../domain/authentication-age.js'
import { HeimdallError } from '../../../errors.js'
import { providerGrantsOf, signInOfSessionUid } from '../../../infra/oidc/provider-internals.js'
import { describeInteraction } from '../../../usecases/oidc/describe-interaction.js'
import { findAccountSession } from '../../../usecases/sessions/account-session.js'
import { rememberConsent } from '../../../usecases/oidc/remembered-consent.js'
import { linkGrantToSession, linkLoginToSession, sessionOfLogin } from '../../../usecases/oidc/session-link.js'
import type { OidcHost } from '../../oidc/mount.js'
import { INTERACTION_PATH, OIDC_SESSION_TTL_SECONDS } from '../../oidc/paths.js'
import { CSRF_FIELD } from '../csrf.js'
import { ACCOUNT } from '../account/cookie.js'
import { setReturnTo } from '../account/return-to.js'
import { LOGIN_PATH } from '../account/shared.js'
import { REGISTER_PATH, registrationOpen } from '../account/register-page.js'
import { signInPathFor } from '../account/sign-in/upstream.js'
import { formView } from '../form.js'
import { formPage, type Audience } from '../form-page.js'
import { pageCspWithFormTarget, type Pages } from '../pages.js'
import { OIDC_TEMPLATES, scopeInWords } from './templates.js'

const CONSENT_PATH = `${INTERACTION_PATH}/consent`
const ABORT_PATH = `${INTERACTION_PATH}/abort`

/**
 * The provider's interactions (oidc-provider's interactions.url): sign-in, which is the account
 * page's sign-in and so opens (or reuses) a Heimdall session, and consent for third-party clients
 * (first-party ones are granted what they asked for without a page). Each step ends with a 303 back to
 * the provider, which continues the authorization (or device) flow.
 */
export function oidcInteractionPages(pages: Pages, oidc: OidcHost): void {
  pages.engine.define(OIDC_TEMPLATES)

  /**
   * The interaction this browser is in (the provider's interaction cookie says which). A `uid` in the
   * address names the one the page was opened for: another one (a second sign-in started in another
   * tab since, or a made-up uid) is refused rather than silently answered for the cookie's.
   */
  async function detailsOf(ctx: ParameterizedContext): Promise<InteractionDetails> {
    let details: InteractionDetails
    try {
      details = await (await oidc.provider()).interactionDetails(ctx.req, ctx.res)
    } catch {
      throw new HeimdallError('oauth.invalid_request', 'This sign-in request has expired or was already used: start again from the application.')
    }
    if (ctx.query.uid !== undefined && ctx.query.uid !== details.uid) {
      throw new HeimdallError('oauth.invalid_request', 'This sign-in request is not the one this browser is in: start again from the application.')
    }
    return details
  }

  async function finish(ctx: ParameterizedContext, result: Record<string, unknown>, merge: boolean): Promise<void> {
    const to = await (await oidc.provider()).interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge })
    ctx.status = 303
    ctx.redirect(to)
  }

  /** The browser's interaction; its forms' CSRF tokens are bound to it. */
  const inInteraction: Audience<InteractionDetails> = async (ctx) => {
    const details = await detailsOf(ctx)
    return { actor: details, binding: details.uid }
  }

  /** The page headers, with the client's redirect target allowed as where the form's redirects may end. */
  function render(ctx: ParameterizedContext, details: InteractionDetails, template: string, data: object, status = 200): void {
    pages.render(ctx, template, data, status, pageCspWithFormTarget(typeof details.params.redirect_uri === 'string' ? details.params.redirect_uri : undefined))
  }

  /**
   * The sign-in step, done by the account page's sign-in (password, then the second factor, or a
   * passkey): a browser already signed in there continues at once, unless the request asks for a new
   * authentication (prompt=login, or max_age shorter than the sign-in's age: OIDC Core 3.1.2.1); any
   * other goes to sign in first and comes back here (return-to.ts). That sign-in opens a new Heimdall
   * session. The provider's sign-in is then the account session's: same user, same amr, auth_time
   * when the user authenticated in it, tied to it, and so is the client's grant when there is one.
   */
  async function signInStep(ctx: ParameterizedContext, details: InteractionDetails): Promise<void> {
    const context = pages.contextOf(ctx)
    const account = await findAccountSession(context, pages.cookies.get(ctx, ACCOUNT))
    // The sign-in's age on Heimdall's clock, which stamped it; the provider's own times (iat) keep to the system's.
    const now = Math.floor(context.clock.now() / 1000)
    if (!account || mustAuthenticateAgain({ authTime: Math.floor(account.authenticatedAt / 1000), requestedAt: details.iat, now, prompt: details.params.prompt, maxAge: details.params.max_age })) {
      setReturnTo(pages.cookies, ctx, `${INTERACTION_PATH}?uid=${details.uid}`)
      ctx.status = 303
      // Signed in, but not as the request asks: the sign-in page shows its form anyway, and says why.
      // idp=NAME (docs/federation.md): straight to that identity provider when it is one here.
      return ctx.redirect(account ? `${LOGIN_PATH}?${new URLSearchParams({ prompt: 'login', client_id: String(details.params.client_id) })}` : await signInPathFor(context, details.params.idp, String(details.params.client_id)))
    }
    // The time the user authenticated (auth_time); an earlier second when another sign-in of the account holds that one.
    const loginTs = await linkLoginToSession(context, { accountId: account.userId, loginTs: Math.floor(account.authenticatedAt / 1000), sessionId: account.sessionId, ttlSeconds: OIDC_SESSION_TTL_SECONDS })
    const to = await (await oidc.provider()).interactionResult(ctx.req, ctx.res, { login: { accountId: account.userId, ts: loginTs, amr: account.amr } }, { mergeWithLastSubmission: false })
    // A page, not a redirect: this request may end a chain of redirects that began with the sign-in
    // form's POST, and a form's CSP (form-action 'self') would stop that chain at the client's address.
    const { clientName } = await describeInteraction(context, { clientId: String(details.params.client_id) })
    render(ctx, details, '@oidc-continue', { title: pages.t(ctx)('oidc.signed_in'), clientName, to })
  }

  /**
   * Whether the sign-in step should start at the registration page: the request says prompt=create
   * (create-prompt.ts), the registration page is on, and this browser is not signed in (after the
   * registration and the sign-in that follows it, the step is a sign-in like any other).
   */
  async function wantsCreate(ctx: ParameterizedContext, details: InteractionDetails): Promise<boolean> {
    const prompts = String(details.params.prompt ?? '').split(' ')
    const context = pages.contextOf(ctx)
    return prompts.includes('create') && registrationOpen(context) && !(await findAccountSession(context, pages.cookies.get(ctx, ACCOUNT)))
  }

  /** prompt=create: to the registration page, coming back here (return-to.ts) after the sign-in that follows it. */
  async function createStep(ctx: ParameterizedContext, details: InteractionDetails): Promise<void> {
    setReturnTo(pages.cookies, ctx, `${INTERACTION_PATH}?uid=${details.uid}`)
    ctx.status = 303
    ctx.redirect(`${REGISTER_PATH}?${new URLSearchParams({ client_id: String(details.params.client_id) })}`)
  }

  /** The Heimdall session behind this interaction: the one the provider session's sign-in opened. */
  async function heimdallSessionOf(context: Context, details: InteractionDetails): Promise<string | undefined> {
    if (!details.session) return undefined
    const signIn = await signInOfSessionUid(await oidc.provider(), details.session.uid)
    if (!signIn) return undefined
    return sessionOfLogin(context, { accountId: details.session.accountId, loginTs: signIn.loginTs })
  }

  async function grantConsent(ctx: ParameterizedContext, details: InteractionDetails): Promise<void> {
    const context = pages.contextOf(ctx)
    const accountId = details.session!.accountId
    const clientId = String(details.params.client_id)
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> }
    const granted = await providerGrantsOf(await oidc.provider()).extend({
      grantId: details.grantId,
      accountId,
      clientId,
      access: { scopes: missing.missingOIDCScope ?? [], claims: missing.missingOIDCClaims ?? [], resources: missing.missingResourceScopes ?? {} },
    })
    // Revoked on the account page while this page was open.
    if (!granted) throw new HeimdallError('oauth.invalid_request', 'This sign-in request is no longer valid: start again from the application.')
    const { grantId } = granted
    const sessionId = await heimdallSessionOf(context, details)
    if (sessionId) await linkGrantToSession(context, { sessionId, grantId })
    await rememberConsent(context, { userId: accountId, clientId, access: granted.access, sessionId })
    await finish(ctx, details.grantId ? { consent: {} } : { consent: { grantId } }, true)
  }

  formPage(pages, {
    path: INTERACTION_PATH,
    audience: inInteraction,
    show: async (ctx, details, binding) => {
      if (details.prompt.name === 'login') return (await wantsCreate(ctx, details)) ? createStep(ctx, details) : signInStep(ctx, details)
      // A requested prompt stays until the result names it: the registration (or the signed-in account) answered create.
      if (details.prompt.name === 'create' && details.session) return finish(ctx, { create: { done: true } }, true)
      if (details.prompt.name !== 'consent' || !details.session) throw new HeimdallError('oauth.invalid_request', 'This sign-in request cannot continue: start again from the application.')
      const parties = await describeInteraction(pages.contextOf(ctx), { clientId: String(details.params.client_id), accountId: details.session.accountId })
      if (parties.firstParty) return grantConsent(ctx, details)
      // Nothing new to allow: the client asked for the question anyway (prompt=consent), about all it asks for.
      const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? String(details.params.scope ?? '').split(' ').filter(Boolean)
      const csrfToken = pages.csrf.issue(ctx, binding)
      const t = pages.t(ctx)
      render(ctx, details, '@oidc-consent', {
        title: t('oidc.consent_title'),
        clientName: parties.clientName,
        email: parties.email,
        scopes: missing.map((scope) => scopeInWords(t, scope)),
        allow: formView({ action: CONSENT_PATH, submit: t('oidc.allow'), submitName: t('oidc.allow_name', { name: parties.clientName }), fields: [], csrfField: CSRF_FIELD, csrfToken }),
        deny: formView({ action: ABORT_PATH, submit: t('oidc.deny'), variant: 'secondary', submitName: t('oidc.deny_name', { name: parties.clientName }), fields: [], csrfField: CSRF_FIELD, csrfToken }),
      })
    },
  })

  formPage(pages, {
    path: CONSENT_PATH,
    audience: inInteraction,
    budget: { none: "the provider's interaction cookie and a CSRF token bound to it; no credential" },
    run: async (ctx, { actor: details }) => {
      if (details.prompt.name !== 'consent' || !details.session) throw new HeimdallError('oauth.invalid_request', 'This request is not waiting for consent.')
      await grantConsent(ctx, details)
    },
  })

  formPage(pages, {
    path: ABORT_PATH,
    audience: inInteraction,
    budget: { none: "the provider's interaction cookie and a CSRF token bound to it; no credential" },
    run: (ctx) => finish(ctx, { error: 'access_denied', error_description: 'The user denied the request' }, false),
  })
}

