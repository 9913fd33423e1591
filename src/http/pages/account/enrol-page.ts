import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../../errors.js'
import { startPasskeyRegistration } from '../../../usecases/mfa/passkey-registration.js'
import { authenticateForEnrolment, type Principal } from '../../../usecases/mfa/principal.js'
import { setupTotp } from '../../../usecases/mfa/totp.js'
import { challengeHash } from '../../../infra/mfa/challenge-token.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView } from '../form.js'
import { formPage, type Audience, type FormPost } from '../form-page.js'
import type { PageBudget } from '../pages.js'
import { ENROLMENT } from './cookie.js'
import { PASSKEY_SCRIPT_PATH } from './passkey-script.js'
import { confirmTotpForm, registerPasskeyForm, totpConfirmError } from './second-factor-setup.js'
import { getPendingTotpSetup } from '../../../usecases/mfa/pending-totp.js'
import { LOGIN_PATH, renderRecoveryCodes, renderTotpSetup, type AccountDoors } from './shared.js'

export const ENROL_PATH = '/account/enrol'

/** Where the code of a TOTP set up here is confirmed, and where its Cancel leads. */
const TOTP_CONFIRM = { action: `${ENROL_PATH}/totp/confirm`, cancel: ENROL_PATH }

/**
 * For a user whose role requires a second factor (HEIMDALL_MFA_REQUIRED_ROLES) and who has none: the
 * sign-in page leaves the enrolment-only token in a cookie and sends them here, where they can set up
 * an authenticator app or add a passkey, and nothing else; then they sign in with the new factor.
 */
export function enrolPage(doors: AccountDoors): void {
  const { pages } = doors

  /** The enrolling user (CSRF tokens bound to their enrolment token), or a 303 back to sign in. */
  const enrolling: Audience<Principal> = async (ctx) => {
    const token = pages.cookies.get(ctx, ENROLMENT)
    try {
      if (token) return { actor: await authenticateForEnrolment(pages.contextOf(ctx), token), binding: `enrol:${challengeHash(token)}` }
    } catch (error) {
      if (!(error instanceof HeimdallError) || error.status >= 500) throw error
    }
    pages.cookies.clear(ctx, ENROLMENT)
    ctx.status = 303
    ctx.redirect(LOGIN_PATH)
    return undefined
  }

  function render(ctx: ParameterizedContext, principal: Principal, binding: string, error?: string, status = 200): void {
    const csrfToken = pages.csrf.issue(ctx, binding)
    const t = pages.t(ctx)
    doors.renderWithPasskeys(
      ctx,
      '@account-enrol',
      {
        title: t('enrol.title'),
        email: principal.email,
        error,
        script: PASSKEY_SCRIPT_PATH,
        totpForm: formView({
          action: `${ENROL_PATH}/totp`,
          submit: t('account.totp_setup'),
          fields: [{ name: 'password', label: t('field.your_password'), type: 'password', autocomplete: 'current-password', required: true }],
          csrfField: CSRF_FIELD,
          csrfToken,
        }),
        passkeyRegister: {
          id: 'passkey-enrol',
          action: `${ENROL_PATH}/passkey`,
          field: 'response',
          label: t('passkey.add'),
          mode: 'register',
          options: `${ENROL_PATH}/passkey/options`,
          csrfToken,
          nameField: true,
        },
      },
      status,
    )
  }

  /** A form of this page: a 4xx is said above the page's forms. */
  function enrolForm(path: string, budget: PageBudget, run: (ctx: ParameterizedContext, post: FormPost<Principal>) => Promise<void>) {
    formPage(pages, { path, audience: enrolling, budget, run, rerender: (ctx, post, problem) => render(ctx, post.actor, post.binding, problem.message, problem.status) })
  }

  pages.page(ENROL_PATH, {
    get: async (ctx) => {
      const visitor = await enrolling(ctx)
      if (visitor) render(ctx, visitor.actor, visitor.binding ?? '')
    },
  })

  enrolForm(`${ENROL_PATH}/totp`, { spends: '/auth/mfa/totp/setup' }, async (ctx, { actor, binding, field }) => {
    const setup = await setupTotp(pages.contextOf(ctx), actor, { password: field('password'), ip: pages.ipOf(ctx) })
    renderTotpSetup(pages, ctx, binding, setup, TOTP_CONFIRM)
  })

  formPage(pages, {
    path: TOTP_CONFIRM.action,
    audience: enrolling,
    budget: { spends: '/auth/mfa/totp/confirm' },
    run: async (ctx, post) => {
      const recoveryCodes = await confirmTotpForm(pages, ctx, post)
      pages.cookies.clear(ctx, ENROLMENT)
      renderRecoveryCodes(pages, ctx, { title: pages.t(ctx)('codes.title_totp'), codes: recoveryCodes, next: LOGIN_PATH })
    },
    // The QR code and key stay after a wrong code: the enrolment is still pending.
    rerender: async (ctx, post, problem) =>
      renderTotpSetup(pages, ctx, post.binding, { ...(await getPendingTotpSetup(pages.contextOf(ctx), post.actor)), error: totpConfirmError(pages.t(ctx), problem) }, TOTP_CONFIRM, problem.status),
  })

  // Asked by the passkey button's script: the creation options, as JSON.
  enrolForm(`${ENROL_PATH}/passkey/options`, { none: 'the enrolment cookie; no credential' }, async (ctx, { actor }) => {
    ctx.body = await startPasskeyRegistration(pages.contextOf(ctx), actor)
  })

  enrolForm(`${ENROL_PATH}/passkey`, { none: 'the enrolment cookie; the passkey is created, not checked' }, async (ctx, post) => {
    await registerPasskeyForm(pages, ctx, post)
    pages.cookies.clear(ctx, ENROLMENT)
    pages.render(ctx, '@message', { title: pages.t(ctx)('enrol.passkey_added_title'), tone: 'success', message: pages.t(ctx)('enrol.passkey_added') })
  })
}
