import type { ParameterizedContext } from 'koa'
import type { AccountSession } from '../../../usecases/sessions/account-session.js'
import { changePassword } from '../../../usecases/users/change-password.js'
import { listOwnSessions, revokeOtherSessions, revokeOwnSession } from '../../../usecases/sessions/own-sessions.js'
import { getMfaStatus } from '../../../usecases/mfa/get-mfa-status.js'
import { deletePasskeyWithPassword, startPasskeyRegistrationWithPassword } from '../../../usecases/mfa/passkey-reauth.js'
import { getPendingTotpSetup } from '../../../usecases/mfa/pending-totp.js'
import { requestEmailChangeFor } from '../../../usecases/recovery/change-email.js'
import { getEmailStatus } from '../../../usecases/recovery/email-status.js'
import { resendVerificationFor } from '../../../usecases/recovery/verify-email.js'
import { parseUserAgent } from '../../../domain/user-agent.js'
import { replaceRecoveryCodes } from '../../../usecases/mfa/recovery-codes.js'
import { listConsents } from '../../../usecases/oidc/list-consents.js'
import { revokeConsent } from '../../../usecases/oidc/revoke-consent.js'
import { disableTotp, setupTotp } from '../../../usecases/mfa/totp.js'
import { HeimdallError, validationError } from '../../../errors.js'
import { setUserLanguage } from '../../../usecases/users/set-user-language.js'
import { LANGUAGE } from '../language.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView, type ButtonVariant, type FormFieldSpec, type FormInput } from '../form.js'
import { formPage, type FormPost } from '../form-page.js'
import { errorMessageOf, type PageBudget } from '../pages.js'
import { scopeInWords } from '../oidc/templates.js'
import { PASSKEY_SCRIPT_PATH } from './passkey-script.js'
import { passwordPolicyInWords } from '../password-policy-words.js'
import type { Translator } from '../../../infra/i18n/catalogues.js'
import { confirmTotpForm, registerPasskeyForm, totpConfirmError } from './second-factor-setup.js'
import { LOGOUT_PATH, UPSTREAM_PATH } from './sign-in/paths.js'
import { listIdentities, type IdentitySummary } from '../../../usecases/federation/list-identities.js'
import { listProviders } from '../../../usecases/federation/list-providers.js'
import type { ProviderSummary } from '../../../usecases/federation/provider-summary.js'
import { unlinkIdentity } from '../../../usecases/federation/unlink-identity.js'
import { ACCOUNT_PATH, dateOf, methodsInWords, NOTICES, renderRecoveryCodes, renderTotpSetup, type AccountDoors } from './shared.js'
import { passkeyRemovePage, removeHrefOf } from './passkey-remove.js'

const UNLINK_PATH = '/account/identities/unlink'
const LANGUAGE_PATH = '/account/language'

/** A session's device in words (domain/user-agent.ts deviceInWords, in the page's language): "Firefox on Windows". */
function deviceOf(t: Translator, userAgent: string | null): string {
  const { browser, platform } = parseUserAgent(userAgent)
  if (browser && platform) return t('session.device', { browser, platform })
  return browser ?? (platform ? t('session.device_platform', { platform }) : t('session.unknown_device'))
}

/** A language's name in itself ("Deutsch", "English"); the tag when Intl does not know it. */
function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag
  } catch {
    return tag
  }
}

/**
 * The account page's "Other providers": the linked identities, each with its Unlink form, and a "Link"
 * per enabled provider not linked yet (upstream.ts: a GET that starts the flow for this account, its
 * CSRF token bound to the session in the query). Nothing when no provider is configured.
 */
function identitiesView(
  t: Translator,
  identities: IdentitySummary[],
  providers: ProviderSummary[],
  view: { csrfToken: string; error?: string; button: (action: string, submit: string, hidden: Record<string, string>, variant: ButtonVariant) => unknown },
) {
  if (providers.length === 0 && identities.length === 0) return {}
  const linked = new Set(identities.map((identity) => identity.provider))
  return {
    identities: identities.map((identity) => ({
      provider: identity.provider,
      email: identity.email,
      linked: dateOf(t, identity.linkedAt),
      unlinkForm: view.button(UNLINK_PATH, t('account.unlink', { provider: identity.provider }), { provider: identity.provider }, 'danger'),
    })),
    identityError: view.error,
    linkable: providers
      .filter((provider) => provider.enabled && !linked.has(provider.name))
      .map((provider) => ({ label: provider.name, href: `${UPSTREAM_PATH.replace(':name', provider.name)}?${new URLSearchParams({ link: view.csrfToken })}` })),
  }
}

/** Every form of the account page, in the words of `t`: where it posts, its fields, its button and how the button looks. */
function formsOf(t: Translator) {
  const password = (name: string, label = t('field.your_password')): FormFieldSpec => ({ name, label, type: 'password', autocomplete: 'current-password', required: true })
  return {
    resend: { action: '/account/email/resend', submit: t('account.resend'), fields: [], variant: 'secondary' },
    email: {
      action: '/account/email',
      submit: t('account.email_submit'),
      fields: [{ name: 'new_email', label: t('account.new_email'), type: 'email', autocomplete: 'email', required: true }, password('email_password')],
      variant: 'secondary',
    },
    revokeOthers: { action: '/account/sessions/revoke-others', submit: t('account.revoke_others'), fields: [], variant: 'danger' },
    password: {
      action: '/account/password',
      submit: t('account.password_submit'),
      fields: [
        password('current_password', t('account.current_password')),
        { name: 'new_password', label: t('field.new_password'), type: 'password', autocomplete: 'new-password', required: true, hint: passwordPolicyInWords(t) },
      ],
      variant: 'primary',
    },
    totpSetup: { action: '/account/totp/setup', submit: t('account.totp_setup'), fields: [password('setup_password')], variant: 'primary' },
    totpDisable: { action: '/account/totp/disable', submit: t('account.totp_disable'), fields: [password('disable_password')], variant: 'danger' },
    recovery: { action: '/account/recovery-codes', submit: t('account.recovery_submit'), fields: [password('recovery_password')], variant: 'secondary' },
  } satisfies Record<string, { action: string; submit: string; fields: FormFieldSpec[]; variant: ButtonVariant }>
}

type FormName = keyof ReturnType<typeof formsOf>

/** Each form's field names (the same in every language: a translator that says its keys will do, only the names are read). */
const FORM_FIELDS = Object.fromEntries(
  Object.entries(formsOf(Object.assign((key: string) => key, { lang: 'en', has: () => false }))).map(([name, form]) => [name, form.fields.map((field) => field.name)]),
) as Record<FormName, string[]>

/** Where the code of a TOTP set up from the account page is confirmed. */
const TOTP_CONFIRM = { action: '/account/totp/confirm' }

/** The account page's forms that check no credential: the signed-in session and its CSRF token. */
const SIGNED_IN: PageBudget = { none: 'the signed-in session and its CSRF token; no credential' }
/** What went wrong in one form of the page, shown next to it. */
type Problem = { form: FormName | 'identities'; errors: Record<string, string[]> }

/** /account: sessions, applications (OIDC consents), password, TOTP, passkeys and recovery codes of the signed-in user. */
export function accountPage(doors: AccountDoors): void {
  const { pages } = doors

  async function render(ctx: ParameterizedContext, account: AccountSession, problem?: Problem, status = 200): Promise<void> {
    const requestContext = pages.contextOf(ctx)
    const [sessions, status2fa, consents, identities, providers, emailStatus] = await Promise.all([
      listOwnSessions(requestContext, account),
      getMfaStatus(requestContext, { userId: account.userId }),
      requestContext.config.oidcEnabled ? listConsents(requestContext, { userId: account.userId }) : undefined,
      listIdentities(requestContext, { userId: account.userId }),
      listProviders(requestContext),
      getEmailStatus(requestContext, { userId: account.userId }),
    ])
    const csrfToken = pages.csrf.issue(ctx, account.sessionId)
    const t = pages.t(ctx)
    const forms = formsOf(t)
    const form = (name: FormName, hidden?: Record<string, string>) =>
      formView({
        ...(forms[name] as Omit<FormInput, 'csrfField' | 'csrfToken'>),
        id: `form-${name}`,
        hidden,
        csrfField: CSRF_FIELD,
        csrfToken,
        errors: problem?.form === name ? problem.errors : undefined,
        error: problem?.form === name ? problem.errors['']?.join(' ') : undefined,
      })
    const button = (action: string, submit: string, hidden: Record<string, string>, variant: ButtonVariant, submitName?: string) =>
      formView({ action, submit, submitName, fields: [], hidden, csrfField: CSRF_FIELD, csrfToken, variant, className: 'inline-form' })
    const hasFactor = status2fa.totp.state === 'enabled' || status2fa.passkeys.length > 0
    // Own keys only: `in` would also find what every object inherits (done=constructor).
    const notice = typeof ctx.query.done === 'string' && (NOTICES as readonly string[]).includes(ctx.query.done) ? t(`notice.${ctx.query.done}`) : undefined
    doors.renderWithPasskeys(
      ctx,
      '@account',
      {
        title: t('account.title'),
        wide: true,
        notice,
        email: account.email,
        emailVerified: emailStatus?.verifiedAt !== null,
        resendForm: form('resend'),
        emailForm: form('email'),
        languageForm: {
          action: LANGUAGE_PATH,
          csrfField: CSRF_FIELD,
          csrfToken,
          chosen: account.language ?? '',
          // Each language in its own words ("Deutsch"), whatever the page's language.
          options: pages.locales.languages.map((tag) => ({ tag, name: languageName(tag) })),
        },
        script: PASSKEY_SCRIPT_PATH,
        sessions: sessions.map((session) => {
          const device = deviceOf(t, session.userAgent)
          const created = dateOf(t, session.createdAt)
          return {
            device,
            ip: session.ip,
            created,
            methods: methodsInWords(t, session.amr),
            current: session.current,
            // Five sessions, five buttons: each one's name says which session it ends.
            revokeForm: button('/account/sessions/revoke', t('session.sign_out'), { session_id: session.id }, 'danger', t('session.sign_out_name', { device, created })),
          }
        }),
        revokeOthersForm: sessions.length > 1 ? form('revokeOthers') : undefined,
        applications: consents?.map((consent) => ({
          name: consent.clientName,
          granted: dateOf(t, consent.grantedAt),
          scopes: consent.scopes.map((scope) => scopeInWords(t, scope)),
          revokeForm: button('/account/applications/revoke', t('account.revoke_application', { name: consent.clientName }), { client_id: consent.clientId }, 'danger'),
        })),
        ...identitiesView(t, identities, providers, { csrfToken, button, error: problem?.form === 'identities' ? problem.errors['']?.join(' ') : undefined }),
        passwordForm: form('password'),
        totpEnabledSince: status2fa.totp.state === 'enabled' ? dateOf(t, status2fa.totp.enrolledAt) : undefined,
        totpSetupForm: status2fa.enrolmentAllowed ? form('totpSetup') : undefined,
        enrolmentBlocked: !status2fa.enrolmentAllowed,
        // A setup posted anyway (an old tab) is refused; its reason goes where its form would be.
        enrolmentError: !status2fa.enrolmentAllowed && problem?.form === 'totpSetup' ? problem.errors['']?.join(' ') : undefined,
        totpDisableForm: form('totpDisable'),
        passkeys: status2fa.passkeys.map((passkey) => ({
          name: passkey.name,
          created: dateOf(t, passkey.createdAt),
          lastUsed: dateOf(t, passkey.lastUsedAt),
          removeHref: removeHrefOf(passkey.id),
        })),
        passkeyRegister: {
          id: 'passkey-register',
          action: '/account/passkeys',
          field: 'response',
          label: t('passkey.add'),
          mode: 'register',
          options: '/account/passkeys/options',
          csrfToken,
          nameField: true,
          passwordField: true,
        },
        recoveryLeft: status2fa.recoveryCodes.remaining,
        recoveryTotal: status2fa.recoveryCodes.total,
        recoveryForm: hasFactor ? form('recovery') : undefined,
        logoutForm: button(LOGOUT_PATH, t('session.sign_out'), {}, 'secondary'),
      },
      status,
    )
  }

  /**
   * A form of the account page, spending `budget` (a password or code checked again: its API twin's;
   * pages.ts), for the signed-in account; a 4xx of a named form is shown next to that form.
   */
  function accountForm(path: string, form: FormName | undefined, budget: PageBudget, run: (ctx: ParameterizedContext, post: FormPost<AccountSession>) => Promise<void>) {
    formPage<AccountSession>(pages, {
      path,
      audience: doors.signedIn,
      budget,
      fields: form && FORM_FIELDS[form],
      fieldNames: { password: 'new_password' },
      run,
      rerender: form && ((ctx, post, problem) => render(ctx, post.actor, { form, errors: problem.errors }, problem.status)),
    })
  }

  pages.page(ACCOUNT_PATH, {
    get: async (ctx) => {
      const visitor = await doors.signedIn(ctx)
      if (visitor) await render(ctx, visitor.actor)
    },
  })

  accountForm('/account/sessions/revoke', undefined, SIGNED_IN, async (ctx, { actor: account, field }) => {
    await revokeOwnSession(pages.contextOf(ctx), account, field('session_id'))
    doors.backToAccount(ctx, 'session')
  })

  accountForm('/account/applications/revoke', undefined, SIGNED_IN, async (ctx, { actor: account, field }) => {
    await revokeConsent(pages.contextOf(ctx), { userId: account.userId, sessionId: account.sessionId, clientId: field('client_id'), ip: pages.ipOf(ctx) })
    doors.backToAccount(ctx, 'consent_revoked')
  })

  formPage<AccountSession>(pages, {
    path: UNLINK_PATH,
    audience: doors.signedIn,
    budget: SIGNED_IN,
    run: async (ctx, { actor: account, field }) => {
      await unlinkIdentity(pages.contextOf(ctx), { userId: account.userId, provider: field('provider'), by: 'user', sessionId: account.sessionId })
      doors.backToAccount(ctx, 'identity_unlinked')
    },
    // The last way to sign in is kept: why, next to the list.
    rerender: (ctx, post, problem) => render(ctx, post.actor, { form: 'identities', errors: problem.errors }, problem.status),
  })

  accountForm('/account/sessions/revoke-others', 'revokeOthers', SIGNED_IN, async (ctx, { actor: account }) => {
    await revokeOtherSessions(pages.contextOf(ctx), account)
    doors.backToAccount(ctx, 'sessions')
  })

  accountForm('/account/password', 'password', { spends: '/account/password' }, async (ctx, { actor: account, field }) => {
    await changePassword(pages.contextOf(ctx), account, { currentPassword: field('current_password'), newPassword: field('new_password'), ip: pages.ipOf(ctx) })
    doors.backToAccount(ctx, 'password')
  })

  accountForm('/account/totp/setup', 'totpSetup', { spends: '/auth/mfa/totp/setup' }, async (ctx, { actor: account, field }) => {
    const setup = await setupTotp(pages.contextOf(ctx), account, { password: field('setup_password'), ip: pages.ipOf(ctx) })
    renderTotpSetup(pages, ctx, account.sessionId, setup, TOTP_CONFIRM)
  })

  formPage(pages, {
    path: TOTP_CONFIRM.action,
    audience: doors.signedIn,
    budget: { spends: '/auth/mfa/totp/confirm' },
    run: async (ctx, post) => {
      const recoveryCodes = await confirmTotpForm(pages, ctx, post)
      renderRecoveryCodes(pages, ctx, { title: pages.t(ctx)('codes.title_totp'), codes: recoveryCodes })
    },
    // The QR code and key stay after a wrong code: the enrolment is still pending.
    rerender: async (ctx, post, problem) =>
      renderTotpSetup(pages, ctx, post.binding, { ...(await getPendingTotpSetup(pages.contextOf(ctx), post.actor)), error: totpConfirmError(pages.t(ctx), problem) }, TOTP_CONFIRM, problem.status),
  })

  accountForm('/account/totp/disable', 'totpDisable', { spends: '/auth/mfa/totp/disable' }, async (ctx, { actor: account, field }) => {
    await disableTotp(pages.contextOf(ctx), account, { password: field('disable_password'), ip: pages.ipOf(ctx) })
    doors.backToAccount(ctx, 'totp_disabled')
  })

  accountForm('/account/recovery-codes', 'recovery', { spends: '/auth/mfa/recovery-codes' }, async (ctx, { actor: account, field }) => {
    const { recoveryCodes } = await replaceRecoveryCodes(pages.contextOf(ctx), account, { password: field('recovery_password'), ip: pages.ipOf(ctx) })
    renderRecoveryCodes(pages, ctx, { title: pages.t(ctx)('codes.title_new'), codes: recoveryCodes })
  })

  passkeyRemovePage(doors, (ctx, account, input) => deletePasskeyWithPassword(pages.contextOf(ctx), account, { ...input, ip: pages.ipOf(ctx) }))

  // Asked by the passkey button's script, with the button's form (its password): the creation options, as JSON.
  accountForm('/account/passkeys/options', undefined, { spends: '/auth/mfa/totp/setup' }, async (ctx, { actor: account, field }) => {
    ctx.set('Cache-Control', 'no-store')
    try {
      ctx.body = await startPasskeyRegistrationWithPassword(pages.contextOf(ctx), account, { password: field('password'), ip: pages.ipOf(ctx) })
    } catch (error) {
      // The script says a refusal (a wrong password) in its own words: JSON, not the error page.
      if (!(error instanceof HeimdallError) || error.status >= 500) throw error
      ctx.status = error.status
      ctx.body = { code: error.code, message: error.expose ? errorMessageOf(pages.t(ctx), error) : 'Refused' }
    }
  })

  formPage<AccountSession>(pages, {
    path: LANGUAGE_PATH,
    audience: doors.signedIn,
    budget: SIGNED_IN,
    run: async (ctx, { actor: account, field }) => {
      const asked = field('language')
      const language = asked === '' ? null : pages.locales.supported(asked)
      if (language === undefined) throw validationError([{ loc: ['body', 'language'], msg: `No catalogue for the language "${asked}"`, type: 'value_error' }])
      await setUserLanguage(pages.contextOf(ctx), account, { language })
      // The pages shown before signing in (sign-in, reset) follow the choice too, on this browser.
      if (language) pages.cookies.set(ctx, LANGUAGE, language)
      else pages.cookies.clear(ctx, LANGUAGE)
      doors.backToAccount(ctx, 'language')
    },
  })

  accountForm('/account/email/resend', 'resend', { spends: '/auth/email/verify/resend' }, async (ctx, { actor: account }) => {
    await resendVerificationFor(pages.contextOf(ctx), account)
    doors.backToAccount(ctx, 'verification_sent')
  })

  accountForm('/account/email', 'email', { spends: '/auth/email/change' }, async (ctx, { actor: account, field }) => {
    await requestEmailChangeFor(pages.contextOf(ctx), account, { newEmail: field('new_email'), password: field('email_password'), ip: pages.ipOf(ctx) })
    doors.backToAccount(ctx, 'email_change_sent')
  })

  accountForm('/account/passkeys', undefined, SIGNED_IN, async (ctx, post) => {
    await registerPasskeyForm(pages, ctx, post)
    doors.backToAccount(ctx, 'passkey_added')
  })
}
