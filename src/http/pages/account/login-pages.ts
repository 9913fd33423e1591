import type { ParameterizedContext } from 'koa'
import type { Context } from '../../../context.js'
import { HeimdallError, validationError } from '../../../errors.js'
import { findAccountSession, openAccountSession } from '../../../usecases/sessions/account-session.js'
import { login } from '../../../usecases/sessions/login.js'
import { revokeSession } from '../../../usecases/sessions/revoke-session.js'
import { completeMfaLogin } from '../../../usecases/mfa/complete-mfa-login.js'
import { loginWithPasskey } from '../../../usecases/mfa/passkey-login.js'
import { getClient } from '../../../usecases/oidc/list-clients.js'
import type { MfaRequired } from '../../../usecases/mfa/second-step.js'
import type { SessionTokens } from '../../../usecases/sessions/session-tokens.js'
import type { AuthenticationResponseJSON } from '../../../infra/mfa/webauthn.js'
import { parseInput } from '../../parse-input.js'
import { LoginRequest, MfaLoginRequest, PasskeyLoginRequest } from '../../schemas.js'
import { CSRF_FIELD } from '../csrf.js'
import { fieldErrorsOf, formField, formView, type FormFieldSpec } from '../form.js'
import { postedForm } from '../pages.js'
import { FORGOT_PAGE_PATH } from '../recovery/forgot-password.js'
import { accountCookieOf, clearAccountCookie, setAccountCookie, setEnrolmentCookie } from './cookie.js'
import { ENROL_PATH } from './enrol-page.js'
import { takeReturnTo } from './return-to.js'
import { PASSKEY_SCRIPT_PATH } from './passkey-script.js'
import { ACCOUNT_PATH, LOGIN_PATH, type AccountDoors } from './shared.js'

const MFA_PATH = '/account/login/mfa'
const PASSKEY_LOGIN_PATH = '/account/login/passkey'
const LOGOUT_PATH = '/account/logout'

const LOGIN_FIELDS: FormFieldSpec[] = [
  { name: 'email', label: 'Email', type: 'email', autocomplete: 'username webauthn', required: true },
  { name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true },
]
const CODE_FIELDS: FormFieldSpec[] = [{ name: 'code', label: 'Code from your authenticator app', type: 'text', autocomplete: 'one-time-code', required: true }]
const RECOVERY_FIELDS: FormFieldSpec[] = [{ name: 'recovery_code', label: 'Recovery code', type: 'text', autocomplete: 'off', required: true }]

/** Hosted sign-in for the account page: password, then the second step; or a passkey alone. */
export function loginPages(doors: AccountDoors): void {
  const { pages } = doors

  const renderLogin = (ctx: ParameterizedContext, extra: { values?: Record<string, string>; errors?: Record<string, string[]>; notice?: string; status?: number } = {}) =>
    doors.renderWithPasskeys(
      ctx,
      '@account-login',
      {
        title: 'Sign in',
        notice: extra.notice,
        forgotPassword: FORGOT_PAGE_PATH,
        script: PASSKEY_SCRIPT_PATH,
        form: formView({
          action: LOGIN_PATH,
          submit: 'Sign in',
          fields: LOGIN_FIELDS,
          values: extra.values,
          errors: extra.errors,
          error: extra.errors?.['']?.join(' '),
          csrfField: CSRF_FIELD,
          csrfToken: pages.csrf.issue(ctx),
        }),
        passkey: passkeyButton(ctx, { id: 'passkey-login', action: PASSKEY_LOGIN_PATH, field: 'response', label: 'Sign in with a passkey' }),
      },
      extra.status,
    )

  const renderMfa = (ctx: ParameterizedContext, step: Pick<MfaRequired, 'mfaToken' | 'methods'>, error?: string, status = 200) => {
    const csrfToken = pages.csrf.issue(ctx)
    const hidden = { mfa_token: step.mfaToken, methods: step.methods.join(',') }
    const form = (fields: FormFieldSpec[], submit: string) => formView({ action: MFA_PATH, submit, fields, hidden, csrfField: CSRF_FIELD, csrfToken })
    doors.renderWithPasskeys(
      ctx,
      '@account-mfa',
      {
        title: 'Second step',
        error,
        script: PASSKEY_SCRIPT_PATH,
        passkey: step.methods.includes('passkey')
          ? passkeyButton(ctx, { id: 'passkey-second', action: MFA_PATH, field: 'passkey_response', label: 'Use a passkey', mfaToken: step.mfaToken, hidden: Object.entries(hidden) })
          : undefined,
        codeForm: step.methods.includes('totp') ? form(CODE_FIELDS, 'Verify code') : undefined,
        recoveryForm: step.methods.includes('recovery_code') ? form(RECOVERY_FIELDS, 'Use recovery code') : undefined,
      },
      status,
    )
  }

  function passkeyButton(ctx: ParameterizedContext, button: { id: string; action: string; field: string; label: string; mfaToken?: string; hidden?: Array<[string, string]> }) {
    return { ...button, mode: 'login', options: '/auth/passkeys/login/options', csrfToken: pages.csrf.issue(ctx) }
  }

  async function signIn(ctx: ParameterizedContext, tokens: SessionTokens): Promise<void> {
    setAccountCookie(ctx, await openAccountSession(doors.contextOf(ctx), tokens), doors.secure)
    ctx.status = 303
    ctx.redirect(takeReturnTo(ctx, doors.secure) ?? ACCOUNT_PATH)
  }

  pages.page(LOGIN_PATH, {
    budget: { spends: '/auth/login' },
    get: async (ctx) => {
      // prompt=login: an application asks for a new authentication (the OpenID Connect sign-in step
      // sends it), so a signed-in browser gets the form too, with the reason.
      const again = ctx.query.prompt === 'login'
      if (!again && (await findAccountSession(doors.contextOf(ctx), accountCookieOf(ctx)))) return ctx.redirect(takeReturnTo(ctx, doors.secure) ?? ACCOUNT_PATH)
      renderLogin(ctx, again ? { notice: await signInAgainNotice(doors.contextOf(ctx), ctx.query.client_id) } : {})
    },
    post: async (ctx) => {
      const form = postedForm(ctx)
      pages.csrf.verify(ctx, formField(form, CSRF_FIELD))
      const values = { email: formField(form, 'email') }
      try {
        const input = parseInput(LoginRequest, { email: values.email, password: formField(form, 'password') })
        const result = await login(doors.contextOf(ctx), { ...input, ip: doors.ipOf(ctx) })
        if (result.kind === 'tokens') return signIn(ctx, result.tokens)
        if (result.kind === 'mfa_required') return renderMfa(ctx, result)
        // A role requires a factor the user has none of: enrolment only, on its own page (enrol-page.ts).
        setEnrolmentCookie(ctx, result.enrollmentToken, result.expiresIn, doors.secure)
        ctx.status = 303
        return ctx.redirect(ENROL_PATH)
      } catch (error) {
        if (!(error instanceof HeimdallError) || error.status >= 500) throw error
        const errors = error.code === 'validation.failed' ? fieldErrorsOf(error, ['email', 'password']) : { '': [error.message] }
        renderLogin(ctx, { values, errors, status: error.status })
      }
    },
  })

  pages.page(MFA_PATH, {
    budget: { spends: '/auth/login/mfa' },
    post: async (ctx) => {
      const form = postedForm(ctx)
      pages.csrf.verify(ctx, formField(form, CSRF_FIELD))
      const step = { mfaToken: formField(form, 'mfa_token'), methods: formField(form, 'methods').split(',').filter(isMethod) }
      try {
        const passkeyResponse = formField(form, 'passkey_response')
        // The same schema as POST /auth/login/mfa: one factor, a 6-digit code, a well-formed credential.
        const input = parseInput(MfaLoginRequest, {
          mfa_token: step.mfaToken,
          code: formField(form, 'code') || undefined,
          recovery_code: formField(form, 'recovery_code') || undefined,
          passkey_response: passkeyResponse ? parseCredential(passkeyResponse) : undefined,
        })
        const tokens = await completeMfaLogin(doors.contextOf(ctx), {
          mfaToken: input.mfa_token,
          code: input.code,
          recoveryCode: input.recovery_code,
          passkeyResponse: input.passkey_response as AuthenticationResponseJSON | undefined,
          ip: doors.ipOf(ctx),
        })
        await signIn(ctx, tokens)
      } catch (error) {
        if (!(error instanceof HeimdallError) || error.status >= 500) throw error
        if (error.code === 'mfa.invalid_token') return renderLogin(ctx, { notice: 'That sign-in took too long or was already used: sign in again.', status: 401 })
        const message = error.code === 'validation.failed' ? (error.details ?? []).map((detail) => detail.msg).join(' ') || 'Enter the code, or use a recovery code.' : error.message
        renderMfa(ctx, step, message, error.status)
      }
    },
  })

  pages.page(PASSKEY_LOGIN_PATH, {
    budget: { spends: '/auth/passkeys/login/verify' },
    post: async (ctx) => {
      const form = postedForm(ctx)
      pages.csrf.verify(ctx, formField(form, CSRF_FIELD))
      try {
        const { response } = parseInput(PasskeyLoginRequest, { response: parseCredential(formField(form, 'response')) })
        await signIn(ctx, await loginWithPasskey(doors.contextOf(ctx), { response: response as unknown as AuthenticationResponseJSON, ip: doors.ipOf(ctx) }))
      } catch (error) {
        if (!(error instanceof HeimdallError) || error.status >= 500) throw error
        renderLogin(ctx, { errors: { '': [error.message] }, status: error.status })
      }
    },
  })

  pages.page(LOGOUT_PATH, {
    budget: { none: 'ends the session its cookie names; no credential' },
    post: async (ctx) => {
      const form = postedForm(ctx)
      const account = await findAccountSession(doors.contextOf(ctx), accountCookieOf(ctx))
      if (account) {
        pages.csrf.verify(ctx, formField(form, CSRF_FIELD), account.sessionId)
        await revokeSession(doors.contextOf(ctx), { sessionId: account.sessionId, reason: 'logout' })
      }
      clearAccountCookie(ctx, doors.secure)
      ctx.status = 303
      ctx.redirect(LOGIN_PATH)
    },
  })
}

/** Why the sign-in page is shown to a signed-in browser: the name of the application asking, when it is a registered client. */
async function signInAgainNotice(context: Context, clientId: unknown): Promise<string> {
  if (typeof clientId !== 'string' || clientId === '') return 'Sign in again to continue.'
  try {
    return `Sign in again to continue to ${(await getClient(context, { clientId })).name}.`
  } catch (error) {
    if (error instanceof HeimdallError && error.code === 'client.not_found') return 'Sign in again to continue.'
    throw error
  }
}

const METHODS = new Set(['passkey', 'totp', 'recovery_code'])
function isMethod(method: string): method is MfaRequired['methods'][number] {
  return METHODS.has(method)
}

/** The JSON a passkey button put into its form; a clear 422 when it is not JSON. */
function parseCredential(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null) return value
  } catch {
    // reported below
  }
  throw validationError([{ loc: ['body', 'response'], msg: 'The passkey answer is missing or not JSON', type: 'value_error' }])
}

export { LOGOUT_PATH }
