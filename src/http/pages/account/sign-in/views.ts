import type { Translator } from '../../../../infra/i18n/catalogues.js'
import type { ParameterizedContext } from 'koa'
import { askingApplication, keepingApplication } from '../asking-application.js'
import { REGISTER_PATH, registrationOpen } from '../register-page.js'
import { listProviders } from '../../../../usecases/federation/list-providers.js'
import type { MfaRequired } from '../../../../usecases/mfa/second-step.js'
import { CSRF_FIELD } from '../../csrf.js'
import { formView, type FormFieldSpec } from '../../form.js'
import { FORGOT_PAGE_PATH } from '../../recovery/forgot-password.js'
import { PASSKEY_SCRIPT_PATH } from '../passkey-script.js'
import { LOGIN_PATH, type AccountDoors } from '../shared.js'
import { MFA_PATH, PASSKEY_LOGIN_PATH, UPSTREAM_PATH } from './paths.js'

// The pages every sign-in method answers with: the sign-in page again, or the second step.

/** The sign-in page's password form. */
export function loginFields(t: Translator): FormFieldSpec[] {
  return [
    { name: 'email', label: t('field.email'), type: 'email', autocomplete: 'username webauthn', required: true },
    { name: 'password', label: t('field.password'), type: 'password', autocomplete: 'current-password', required: true },
  ]
}
const codeFields = (t: Translator): FormFieldSpec[] => [{ name: 'code', label: t('mfa.code_label'), type: 'text', autocomplete: 'one-time-code', required: true }]
const recoveryFields = (t: Translator): FormFieldSpec[] => [{ name: 'recovery_code', label: t('mfa.recovery_label'), type: 'text', autocomplete: 'off', required: true }]

/** What the sign-in page shows besides its forms: the typed email, errors per field ("" above the form), a notice. */
export interface SignInView {
  values?: Record<string, string>
  errors?: Record<string, string[]>
  notice?: string
  status?: number
}

/**
 * The sign-in page: the password form, a "Continue with ..." link per enabled identity provider
 * (upstream.ts; the OpenID interaction's return path rides in its cookie), and the passkey button (passkey.ts).
 */
export async function renderSignIn(doors: AccountDoors, ctx: ParameterizedContext, view: SignInView = {}): Promise<void> {
  // The OpenID sign-in step names its client (?client_id=): the page says which application is asking.
  const application = await askingApplication(doors.pages.contextOf(ctx), ctx)
  const upstreams = (await listProviders(doors.pages.contextOf(ctx)))
    .filter((provider) => provider.enabled)
    .map((provider) => ({ href: UPSTREAM_PATH.replace(':name', provider.name), label: provider.buttonLabel }))
  const t = doors.pages.t(ctx)
  doors.renderWithPasskeys(
    ctx,
    '@account-login',
    {
      title: t('login.title'),
      notice: view.notice,
      application: application?.name,
      register: registrationOpen(doors.pages.contextOf(ctx)) ? keepingApplication(REGISTER_PATH, application) : undefined,
      forgotPassword: FORGOT_PAGE_PATH,
      script: PASSKEY_SCRIPT_PATH,
      form: formView({
        id: 'form-sign-in',
        action: keepingApplication(LOGIN_PATH, application),
        submit: t('login.submit'),
        fields: loginFields(t),
        values: view.values,
        errors: view.errors,
        error: view.errors?.['']?.join(' '),
        csrfField: CSRF_FIELD,
        csrfToken: doors.pages.csrf.issue(ctx),
      }),
      upstreams,
      passkey: passkeyButton(doors, ctx, { id: 'passkey-login', action: PASSKEY_LOGIN_PATH, field: 'response', label: t('login.passkey') }),
    },
    view.status,
  )
}

/** The second step of a sign-in: the factors the user has, each a form carrying the step's token. */
export function renderSecondStep(doors: AccountDoors, ctx: ParameterizedContext, step: Pick<MfaRequired, 'mfaToken' | 'methods'>, error?: string, status = 200): void {
  const csrfToken = doors.pages.csrf.issue(ctx)
  const t = doors.pages.t(ctx)
  const hidden = { mfa_token: step.mfaToken, methods: step.methods.join(',') }
  const form = (fields: FormFieldSpec[], submit: string) => formView({ action: MFA_PATH, submit, fields, hidden, csrfField: CSRF_FIELD, csrfToken })
  doors.renderWithPasskeys(
    ctx,
    '@account-mfa',
    {
      title: t('mfa.title'),
      error,
      script: PASSKEY_SCRIPT_PATH,
      passkey: step.methods.includes('passkey')
        ? passkeyButton(doors, ctx, { id: 'passkey-second', action: MFA_PATH, field: 'passkey_response', label: t('mfa.passkey'), mfaToken: step.mfaToken, hidden: Object.entries(hidden) })
        : undefined,
      codeForm: step.methods.includes('totp') ? form(codeFields(t), t('mfa.code_submit')) : undefined,
      recoveryForm: step.methods.includes('recovery_code') ? form(recoveryFields(t), t('mfa.recovery_submit')) : undefined,
    },
    status,
  )
}

/** The name of the registered application a sign-in is for, or undefined (no such client). */

/** The data of a passkey button (templates.ts @passkey-button): its form posts the credential the script put into `field`. */
export function passkeyButton(doors: AccountDoors, ctx: ParameterizedContext, button: { id: string; action: string; field: string; label: string; mfaToken?: string; hidden?: Array<[string, string]> }) {
  // Beside the password form's primary button, the passkey one is the other way in: secondary.
  return { ...button, mode: 'login', variant: 'secondary', options: '/auth/passkeys/login/options', csrfToken: doors.pages.csrf.issue(ctx) }
}
