import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../../errors.js'
import type { AccountSession } from '../../../usecases/sessions/account-session.js'
import { changePassword } from '../../../usecases/users/change-password.js'
import { listOwnSessions, revokeOtherSessions, revokeOwnSession } from '../../../usecases/sessions/own-sessions.js'
import { getMfaStatus } from '../../../usecases/mfa/get-mfa-status.js'
import { finishPasskeyRegistration, startPasskeyRegistration } from '../../../usecases/mfa/passkey-registration.js'
import { deletePasskey } from '../../../usecases/mfa/passkeys.js'
import { replaceRecoveryCodes } from '../../../usecases/mfa/recovery-codes.js'
import { listConsents } from '../../../usecases/oidc/list-consents.js'
import { revokeConsent } from '../../../usecases/oidc/revoke-consent.js'
import { confirmTotp, disableTotp, setupTotp } from '../../../usecases/mfa/totp.js'
import type { RegistrationResponseJSON } from '../../../infra/mfa/webauthn.js'
import { parseInput } from '../../parse-input.js'
import { PasskeyRegisterRequest, TotpConfirmRequest } from '../../schemas.js'
import { CSRF_FIELD } from '../csrf.js'
import { fieldErrorsOf, formField, formView, type FormFieldSpec } from '../form.js'
import { postedForm, type PageBudget } from '../pages.js'
import { SCOPE_DESCRIPTIONS } from '../oidc/templates.js'
import { LOGOUT_PATH } from './login-pages.js'
import { PASSKEY_SCRIPT_PATH } from './passkey-script.js'
import { ACCOUNT_PATH, dateOf, methodsInWords, NOTICES, totpSetupView, type AccountDoors } from './shared.js'

const password = (name: string, label = 'Your password'): FormFieldSpec => ({ name, label, type: 'password', autocomplete: 'current-password', required: true })

/** Every form of the account page: where it posts, its fields, its button. */
const FORMS = {
  revokeOthers: { action: '/account/sessions/revoke-others', submit: 'Sign out all other sessions', fields: [] },
  password: {
    action: '/account/password',
    submit: 'Change password',
    fields: [password('current_password', 'Current password'), { name: 'new_password', label: 'New password', type: 'password', autocomplete: 'new-password', required: true }],
  },
  totpSetup: { action: '/account/totp/setup', submit: 'Set up an authenticator app', fields: [password('setup_password')] },
  totpDisable: { action: '/account/totp/disable', submit: 'Remove the authenticator app', fields: [password('disable_password')] },
  recovery: { action: '/account/recovery-codes', submit: 'Make new recovery codes', fields: [password('recovery_password')] },
} satisfies Record<string, { action: string; submit: string; fields: FormFieldSpec[] }>

type FormName = keyof typeof FORMS

/** The account page's forms that check no credential: the signed-in session and its CSRF token. */
const SIGNED_IN: PageBudget = { none: 'the signed-in session and its CSRF token; no credential' }
/** What went wrong in one form of the page, shown next to it. */
type FormProblem = { form: FormName; errors: Record<string, string[]> }

/** /account: sessions, applications (OIDC consents), password, TOTP, passkeys and recovery codes of the signed-in user. */
export function accountPage(doors: AccountDoors): void {
  const { pages } = doors

  async function render(ctx: ParameterizedContext, account: AccountSession, problem?: FormProblem, status = 200): Promise<void> {
    const requestContext = doors.contextOf(ctx)
    const [sessions, status2fa, consents] = await Promise.all([
      listOwnSessions(requestContext, account),
      getMfaStatus(requestContext, { userId: account.userId }),
      requestContext.config.oidcEnabled ? listConsents(requestContext, { userId: account.userId }) : undefined,
    ])
    const csrfToken = pages.csrf.issue(ctx, account.sessionId)
    const form = (name: FormName, hidden?: Record<string, string>) =>
      formView({
        ...FORMS[name],
        hidden,
        csrfField: CSRF_FIELD,
        csrfToken,
        errors: problem?.form === name ? problem.errors : undefined,
        error: problem?.form === name ? problem.errors['']?.join(' ') : undefined,
      })
    const button = (action: string, submit: string, hidden: Record<string, string>) => formView({ action, submit, fields: [], hidden, csrfField: CSRF_FIELD, csrfToken })
    const hasFactor = status2fa.totp.state === 'enabled' || status2fa.passkeys.length > 0
    // Own keys only: `in` would also find what every object inherits (done=constructor).
    const notice = typeof ctx.query.done === 'string' && Object.hasOwn(NOTICES, ctx.query.done) ? NOTICES[ctx.query.done as keyof typeof NOTICES] : undefined
    doors.renderWithPasskeys(
      ctx,
      '@account',
      {
        title: 'Your account',
        notice,
        email: account.email,
        script: PASSKEY_SCRIPT_PATH,
        sessions: sessions.map((session) => ({
          created: dateOf(session.createdAt),
          methods: methodsInWords(session.amr),
          current: session.current,
          revokeForm: button('/account/sessions/revoke', 'Sign out', { session_id: session.id }),
        })),
        revokeOthersForm: sessions.length > 1 ? form('revokeOthers') : undefined,
        applications: consents?.map((consent) => ({
          name: consent.clientName,
          granted: dateOf(consent.grantedAt),
          scopes: consent.scopes.map((scope) => SCOPE_DESCRIPTIONS[scope] ?? scope),
          revokeForm: button('/account/applications/revoke', `Revoke access of ${consent.clientName}`, { client_id: consent.clientId }),
        })),
        passwordForm: form('password'),
        totpEnabledSince: status2fa.totp.state === 'enabled' ? dateOf(status2fa.totp.enrolledAt) : undefined,
        totpSetupForm: status2fa.enrolmentAllowed ? form('totpSetup') : undefined,
        enrolmentBlocked: !status2fa.enrolmentAllowed,
        // A setup posted anyway (an old tab) is refused; its reason goes where its form would be.
        enrolmentError: !status2fa.enrolmentAllowed && problem?.form === 'totpSetup' ? problem.errors['']?.join(' ') : undefined,
        totpDisableForm: form('totpDisable'),
        passkeys: status2fa.passkeys.map((passkey) => ({
          name: passkey.name,
          created: dateOf(passkey.createdAt),
          lastUsed: dateOf(passkey.lastUsedAt),
          deleteForm: button('/account/passkeys/delete', `Remove ${passkey.name}`, { passkey_id: passkey.id }),
        })),
        passkeyRegister: {
          id: 'passkey-register',
          action: '/account/passkeys',
          field: 'response',
          label: 'Add a passkey',
          mode: 'register',
          options: '/account/passkeys/options',
          csrfToken,
          nameField: true,
        },
        recoveryLeft: status2fa.recoveryCodes.remaining,
        recoveryTotal: status2fa.recoveryCodes.total,
        recoveryForm: hasFactor ? form('recovery') : undefined,
        logoutForm: button(LOGOUT_PATH, 'Sign out', {}),
      },
      status,
    )
  }

  /**
   * A form of the account page, spending `budget` (a password or code checked again: its API twin's;
   * pages.ts): the signed-in account, the CSRF token bound to its session, then the action; a HeimdallError it throws (but 5xx) is shown next to that form.
   */
  function action(path: string, form: FormName | undefined, budget: PageBudget, run: (ctx: ParameterizedContext, account: AccountSession, posted: Record<string, unknown>) => Promise<void>) {
    pages.page(path, {
      budget,
      post: async (ctx) => {
        const posted = postedForm(ctx)
        const account = await doors.requireAccount(ctx)
        if (!account) return
        pages.csrf.verify(ctx, formField(posted, CSRF_FIELD), account.sessionId)
        try {
          await run(ctx, account, posted)
        } catch (error) {
          if (!(error instanceof HeimdallError) || error.status >= 500 || form === undefined) throw error
          const fields = FORMS[form].fields.map((field) => field.name)
          const errors = error.code === 'validation.failed' ? fieldErrorsOf(error, fields, { password: 'new_password' }) : { '': [error.message] }
          await render(ctx, account, { form, errors }, error.status)
        }
      },
    })
  }

  pages.page(ACCOUNT_PATH, {
    get: async (ctx) => {
      const account = await doors.requireAccount(ctx)
      if (account) await render(ctx, account)
    },
  })

  action('/account/sessions/revoke', undefined, SIGNED_IN, async (ctx, account, posted) => {
    await revokeOwnSession(doors.contextOf(ctx), account, formField(posted, 'session_id'))
    doors.backToAccount(ctx, 'session')
  })

  action('/account/applications/revoke', undefined, SIGNED_IN, async (ctx, account, posted) => {
    await revokeConsent(doors.contextOf(ctx), { userId: account.userId, sessionId: account.sessionId, clientId: formField(posted, 'client_id'), ip: doors.ipOf(ctx) })
    doors.backToAccount(ctx, 'consent_revoked')
  })

  action('/account/sessions/revoke-others', 'revokeOthers', SIGNED_IN, async (ctx, account) => {
    await revokeOtherSessions(doors.contextOf(ctx), account)
    doors.backToAccount(ctx, 'sessions')
  })

  action('/account/password', 'password', { spends: '/account/password' }, async (ctx, account, posted) => {
    await changePassword(doors.contextOf(ctx), account, { currentPassword: formField(posted, 'current_password'), newPassword: formField(posted, 'new_password'), ip: doors.ipOf(ctx) })
    doors.backToAccount(ctx, 'password')
  })

  action('/account/totp/setup', 'totpSetup', { spends: '/auth/mfa/totp/setup' }, async (ctx, account, posted) => {
    const setup = await setupTotp(doors.contextOf(ctx), account, { password: formField(posted, 'setup_password'), ip: doors.ipOf(ctx) })
    renderTotpConfirm(ctx, account, { qrSvg: setup.qrSvg, secret: setup.secret })
  })

  action('/account/totp/confirm', undefined, { spends: '/auth/mfa/totp/confirm' }, async (ctx, account, posted) => {
    try {
      const { code } = parseInput(TotpConfirmRequest, { code: formField(posted, 'code') })
      const { recoveryCodes } = await confirmTotp(doors.contextOf(ctx), account, { code, ip: doors.ipOf(ctx) })
      pages.render(ctx, '@account-recovery-codes', { title: 'Authenticator app set up: your recovery codes', codes: recoveryCodes })
    } catch (error) {
      if (!(error instanceof HeimdallError) || error.status >= 500) throw error
      const message = error.code === 'validation.failed' ? 'The code is the 6 digits your app shows now.' : error.message
      renderTotpConfirm(ctx, account, { error: message }, error.status)
    }
  })

  function renderTotpConfirm(ctx: ParameterizedContext, account: AccountSession, view: { qrSvg?: string; secret?: string; error?: string }, status = 200): void {
    pages.render(
      ctx,
      '@account-totp-setup',
      totpSetupView(view, { action: '/account/totp/confirm', csrfToken: pages.csrf.issue(ctx, account.sessionId) }),
      status,
    )
  }

  action('/account/totp/disable', 'totpDisable', { spends: '/auth/mfa/totp/disable' }, async (ctx, account, posted) => {
    await disableTotp(doors.contextOf(ctx), account, { password: formField(posted, 'disable_password'), ip: doors.ipOf(ctx) })
    doors.backToAccount(ctx, 'totp_disabled')
  })

  action('/account/recovery-codes', 'recovery', { spends: '/auth/mfa/recovery-codes' }, async (ctx, account, posted) => {
    const { recoveryCodes } = await replaceRecoveryCodes(doors.contextOf(ctx), account, { password: formField(posted, 'recovery_password'), ip: doors.ipOf(ctx) })
    pages.render(ctx, '@account-recovery-codes', { title: 'Your new recovery codes', codes: recoveryCodes })
  })

  action('/account/passkeys/delete', undefined, SIGNED_IN, async (ctx, account, posted) => {
    await deletePasskey(doors.contextOf(ctx), account, { id: formField(posted, 'passkey_id'), ip: doors.ipOf(ctx) })
    doors.backToAccount(ctx, 'passkey_removed')
  })

  // Asked by the passkey button's script: the creation options, as JSON.
  action('/account/passkeys/options', undefined, SIGNED_IN, async (ctx, account) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = await startPasskeyRegistration(doors.contextOf(ctx), account)
  })

  action('/account/passkeys', undefined, SIGNED_IN, async (ctx, account, posted) => {
    let response: unknown
    try {
      response = JSON.parse(formField(posted, 'response'))
    } catch {
      throw new HeimdallError('passkey.invalid_response', 'The passkey answer is missing: use the Add a passkey button')
    }
    const input = parseInput(PasskeyRegisterRequest, { response, name: formField(posted, 'name') || undefined })
    await finishPasskeyRegistration(doors.contextOf(ctx), account, { response: input.response as unknown as RegistrationResponseJSON, name: input.name, ip: doors.ipOf(ctx) })
    doors.backToAccount(ctx, 'passkey_added')
  })
}
