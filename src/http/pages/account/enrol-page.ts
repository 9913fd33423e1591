import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../../errors.js'
import type { RegistrationResponseJSON } from '../../../infra/mfa/webauthn.js'
import { finishPasskeyRegistration, startPasskeyRegistration } from '../../../usecases/mfa/passkey-registration.js'
import { authenticateForEnrolment, type Principal } from '../../../usecases/mfa/principal.js'
import { confirmTotp, setupTotp } from '../../../usecases/mfa/totp.js'
import { challengeHash } from '../../../infra/mfa/challenge-token.js'
import { parseInput } from '../../parse-input.js'
import { PasskeyRegisterRequest, TotpConfirmRequest } from '../../schemas.js'
import { CSRF_FIELD } from '../csrf.js'
import { formField, formView } from '../form.js'
import { postedForm, type PageBudget } from '../pages.js'
import { clearEnrolmentCookie, ENROLMENT_COOKIE } from './cookie.js'
import { PASSKEY_SCRIPT_PATH } from './passkey-script.js'
import { LOGIN_PATH, totpSetupView, type AccountDoors } from './shared.js'

export const ENROL_PATH = '/account/enrol'

/**
 * For a user whose role requires a second factor (HEIMDALL_MFA_REQUIRED_ROLES) and who has none: the
 * sign-in page leaves the enrolment-only token in a cookie and sends them here, where they can set up
 * an authenticator app or add a passkey, and nothing else; then they sign in with the new factor.
 */
export function enrolPage(doors: AccountDoors): void {
  const { pages } = doors

  /** The enrolling user, or undefined after sending the browser back to sign in. */
  async function enrolling(ctx: ParameterizedContext): Promise<{ principal: Principal; binding: string } | undefined> {
    const token = ctx.cookies.get(ENROLMENT_COOKIE)
    try {
      if (token) return { principal: await authenticateForEnrolment(doors.contextOf(ctx), token), binding: `enrol:${challengeHash(token)}` }
    } catch (error) {
      if (!(error instanceof HeimdallError) || error.status >= 500) throw error
    }
    clearEnrolmentCookie(ctx, doors.secure)
    ctx.status = 303
    ctx.redirect(LOGIN_PATH)
    return undefined
  }

  function render(ctx: ParameterizedContext, who: { principal: Principal; binding: string }, error?: string, status = 200): void {
    const csrfToken = pages.csrf.issue(ctx, who.binding)
    doors.renderWithPasskeys(
      ctx,
      '@account-enrol',
      {
        title: 'Add a second factor',
        email: who.principal.email,
        error,
        script: PASSKEY_SCRIPT_PATH,
        totpForm: formView({
          action: `${ENROL_PATH}/totp`,
          submit: 'Set up an authenticator app',
          fields: [{ name: 'password', label: 'Your password', type: 'password', autocomplete: 'current-password', required: true }],
          csrfField: CSRF_FIELD,
          csrfToken,
        }),
        passkeyRegister: {
          id: 'passkey-enrol',
          action: `${ENROL_PATH}/passkey`,
          field: 'response',
          label: 'Add a passkey',
          mode: 'register',
          options: `${ENROL_PATH}/passkey/options`,
          csrfToken,
          nameField: true,
        },
      },
      status,
    )
  }

  /** A form of this page: the enrolling user and the CSRF token bound to their enrolment token first. */
  function action(path: string, budget: PageBudget, run: (ctx: ParameterizedContext, who: { principal: Principal; binding: string }, posted: Record<string, unknown>) => Promise<void>) {
    pages.page(path, {
      budget,
      post: async (ctx) => {
        const posted = postedForm(ctx)
        const who = await enrolling(ctx)
        if (!who) return
        pages.csrf.verify(ctx, formField(posted, CSRF_FIELD), who.binding)
        try {
          await run(ctx, who, posted)
        } catch (error) {
          if (!(error instanceof HeimdallError) || error.status >= 500) throw error
          render(ctx, who, error.code === 'validation.failed' ? (error.details ?? []).map((detail) => detail.msg).join(' ') : error.message, error.status)
        }
      },
    })
  }

  pages.page(ENROL_PATH, {
    get: async (ctx) => {
      const who = await enrolling(ctx)
      if (who) render(ctx, who)
    },
  })

  action(`${ENROL_PATH}/totp`, { spends: '/auth/mfa/totp/setup' }, async (ctx, who, posted) => {
    const setup = await setupTotp(doors.contextOf(ctx), who.principal, { password: formField(posted, 'password'), ip: doors.ipOf(ctx) })
    renderConfirm(ctx, who, { qrSvg: setup.qrSvg, secret: setup.secret })
  })

  action(`${ENROL_PATH}/totp/confirm`, { spends: '/auth/mfa/totp/confirm' }, async (ctx, who, posted) => {
    try {
      const { code } = parseInput(TotpConfirmRequest, { code: formField(posted, 'code') })
      const { recoveryCodes } = await confirmTotp(doors.contextOf(ctx), who.principal, { code, ip: doors.ipOf(ctx) })
      clearEnrolmentCookie(ctx, doors.secure)
      pages.render(ctx, '@account-recovery-codes', { title: 'Authenticator app set up: your recovery codes', codes: recoveryCodes, next: LOGIN_PATH })
    } catch (error) {
      if (!(error instanceof HeimdallError) || error.status >= 500) throw error
      renderConfirm(ctx, who, { error: error.code === 'validation.failed' ? 'The code is the 6 digits your app shows now.' : error.message }, error.status)
    }
  })

  function renderConfirm(ctx: ParameterizedContext, who: { binding: string }, view: { qrSvg?: string; secret?: string; error?: string }, status = 200): void {
    pages.render(
      ctx,
      '@account-totp-setup',
      totpSetupView(view, { action: `${ENROL_PATH}/totp/confirm`, csrfToken: pages.csrf.issue(ctx, who.binding), cancel: ENROL_PATH }),
      status,
    )
  }

  // Asked by the passkey button's script: the creation options, as JSON.
  action(`${ENROL_PATH}/passkey/options`, { none: 'the enrolment cookie; no credential' }, async (ctx, who) => {
    ctx.body = await startPasskeyRegistration(doors.contextOf(ctx), who.principal)
  })

  action(`${ENROL_PATH}/passkey`, { none: 'the enrolment cookie; the passkey is created, not checked' }, async (ctx, who, posted) => {
    let response: unknown
    try {
      response = JSON.parse(formField(posted, 'response'))
    } catch {
      throw new HeimdallError('passkey.invalid_response', 'The passkey answer is missing: use the Add a passkey button')
    }
    const input = parseInput(PasskeyRegisterRequest, { response, name: formField(posted, 'name') || undefined })
    await finishPasskeyRegistration(doors.contextOf(ctx), who.principal, { response: input.response as unknown as RegistrationResponseJSON, name: input.name, ip: doors.ipOf(ctx) })
    clearEnrolmentCookie(ctx, doors.secure)
    pages.render(ctx, '@message', { title: 'Passkey added', tone: 'success', message: 'Your passkey is ready. Sign in again and use it as your second step.' })
  })
}
