import type { ParameterizedContext } from 'koa'
import type { Context } from '../../../context.js'
import { findAccountSession, type AccountSession } from '../../../usecases/sessions/account-session.js'
import { clientIp } from '../../client-ip.js'
import { requestContexts } from '../../request-context.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView } from '../form.js'
import { PAGE_CSP, type Pages } from '../pages.js'
import { accountCookieOf, clearAccountCookie } from './cookie.js'

export const ACCOUNT_PATH = '/account'
export const LOGIN_PATH = '/account/login'

/**
 * The pages' CSP plus what the passkey buttons need: Heimdall's own script (no inline one) and
 * fetch() back to Heimdall for the WebAuthn options.
 */
export const PASSKEY_PAGE_CSP = `${PAGE_CSP}; script-src 'self'; connect-src 'self'`

/** What the account pages share: the request's context, the client's address, the signed-in session. */
export function accountDoors(pages: Pages, context: Context) {
  const contextOf = requestContexts(context)
  const secure = context.config.publicUrl.startsWith('https:')
  return {
    pages,
    secure,
    contextOf: (ctx: ParameterizedContext) => contextOf(ctx as never),
    ipOf: (ctx: ParameterizedContext) => clientIp(ctx as never, context.config.trustedProxies),

    /** The signed-in account, or undefined after sending the browser to the sign-in page (303). */
    async requireAccount(ctx: ParameterizedContext): Promise<AccountSession | undefined> {
      const account = await findAccountSession(contextOf(ctx as never), accountCookieOf(ctx))
      if (account) return account
      if (accountCookieOf(ctx) !== undefined) clearAccountCookie(ctx, secure)
      ctx.status = 303
      ctx.redirect(LOGIN_PATH)
      return undefined
    },

    /** Renders a page that carries a passkey button (the one script, and fetch to Heimdall). */
    renderWithPasskeys(ctx: ParameterizedContext, template: string, data: object, status = 200): void {
      pages.render(ctx, template, data, status)
      ctx.set('Content-Security-Policy', PASSKEY_PAGE_CSP)
    },

    /** Back to the account page after a form, with a fixed notice (never text from the request). */
    backToAccount(ctx: ParameterizedContext, notice: keyof typeof NOTICES): void {
      ctx.status = 303
      ctx.redirect(`${ACCOUNT_PATH}?done=${notice}`)
    },
  }
}

export type AccountDoors = ReturnType<typeof accountDoors>

export const NOTICES = {
  password: 'Your password is changed. Your other sessions are signed out.',
  session: 'That session is signed out.',
  sessions: 'Your other sessions are signed out.',
  totp_enabled: 'The authenticator app is set up.',
  totp_disabled: 'The authenticator app is removed.',
  passkey_added: 'The passkey is added.',
  passkey_removed: 'The passkey is removed.',
  consent_revoked: 'The application no longer has access: it has to ask you again.',
} as const

/** "pwd otp mfa" as words people read. */
export function methodsInWords(amr: readonly string[]): string {
  const words: Record<string, string> = { pwd: 'password', otp: 'one-time code', hwk: 'passkey', swk: 'passkey' }
  const named = amr.filter((method) => Object.hasOwn(words, method)).map((method) => words[method])
  return named.length === 0 ? 'signed in by an operator' : named.join(' + ')
}

export function dateOf(epochMs: number | null): string {
  return epochMs === null ? 'never' : new Date(epochMs).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
}

/**
 * The data of '@account-totp-setup': the QR code and secret of a pending TOTP enrolment and the form
 * that confirms it with a code, for the account page and the enrolment-only page alike. `error` is
 * shown beside the code field.
 */
export function totpSetupView(view: { qrSvg?: string; secret?: string; error?: string }, form: { action: string; csrfToken: string; cancel?: string }) {
  return {
    title: 'Set up an authenticator app',
    qrSvg: view.qrSvg,
    secret: view.secret,
    cancel: form.cancel,
    form: formView({
      action: form.action,
      submit: 'Turn on',
      fields: [{ name: 'code', label: 'The 6-digit code your app shows now', type: 'text', autocomplete: 'one-time-code', required: true }],
      errors: view.error ? { code: [view.error] } : undefined,
      csrfField: CSRF_FIELD,
      csrfToken: form.csrfToken,
    }),
  }
}
