import type { ParameterizedContext } from 'koa'
import { findAccountSession, type AccountSession } from '../../../usecases/sessions/account-session.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView, type FormFieldSpec } from '../form.js'
import type { Audience } from '../form-page.js'
import { PAGE_CSP, type Pages } from '../pages.js'
import { ACCOUNT } from './cookie.js'
import { PASSKEY_SCRIPT_PATH } from './passkey-script.js'

export const ACCOUNT_PATH = '/account'
export const LOGIN_PATH = '/account/login'

/**
 * The pages' CSP plus what the passkey buttons need: Heimdall's own script (no inline one) and
 * fetch() back to Heimdall for the WebAuthn options.
 */
export const PASSKEY_PAGE_CSP = `${PAGE_CSP}; script-src 'self'; connect-src 'self'`

/** What the account pages share: the page toolkit, the signed-in audience, the passkey pages' headers. */
export function accountDoors(pages: Pages) {
  /** The signed-in account (its forms' CSRF tokens bound to its session), or a 303 to the sign-in page. */
  const signedIn: Audience<AccountSession> = async (ctx) => {
    const cookie = pages.cookies.get(ctx, ACCOUNT)
    const account = await findAccountSession(pages.contextOf(ctx), cookie)
    if (account) return { actor: account, binding: account.sessionId }
    if (cookie !== undefined) pages.cookies.clear(ctx, ACCOUNT)
    ctx.status = 303
    ctx.redirect(LOGIN_PATH)
    return undefined
  }

  return {
    pages,
    signedIn,

    /** The account this browser is signed in as, or undefined (nothing is answered). */
    async accountOf(ctx: ParameterizedContext): Promise<AccountSession | undefined> {
      return findAccountSession(pages.contextOf(ctx), pages.cookies.get(ctx, ACCOUNT))
    },

    /** Renders a page that carries a passkey button (the one script, and fetch to Heimdall). */
    renderWithPasskeys(ctx: ParameterizedContext, template: string, data: object, status = 200): void {
      pages.render(ctx, template, data, status, PASSKEY_PAGE_CSP)
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
  identity_linked: 'The identity is linked: you can sign in with it now.',
  identity_unlinked: 'The identity is unlinked.',
  verification_sent: 'A new verification link is on its way. Open it from your mailbox to confirm your address.',
  email_change_sent: 'A confirmation link is on its way to the new address. Your address changes when you open it.',
} as const

/** "pwd otp mfa" as words people read. */
export function methodsInWords(amr: readonly string[]): string {
  const words: Record<string, string> = { pwd: 'password', otp: 'one-time code', hwk: 'passkey', swk: 'passkey', fed: 'another identity provider' }
  const named = amr.filter((method) => Object.hasOwn(words, method)).map((method) => words[method])
  return named.length === 0 ? 'signed in by an operator' : named.join(' + ')
}

/** A one-time code field: digits on a phone's keyboard, filled from an SMS or app where the browser can. */
export const CODE_FIELD: FormFieldSpec = { name: 'code', label: 'The 6-digit code your app shows now', type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', required: true }

/**
 * Renders '@account-recovery-codes': the codes, shown once, with a download (a data: link, no script)
 * and a Copy button the page script shows where the Clipboard API exists. `next`: where to go on.
 */
export function renderRecoveryCodes(pages: Pages, ctx: ParameterizedContext, view: { title: string; codes: string[]; next?: string }): void {
  const text = `Recovery codes (each works once)\n\n${view.codes.join('\n')}\n`
  pages.render(ctx, '@account-recovery-codes', { ...view, script: PASSKEY_SCRIPT_PATH, download: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}` }, 200, PASSKEY_PAGE_CSP)
}

export function dateOf(epochMs: number | null): string {
  return epochMs === null ? 'never' : new Date(epochMs).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
}

/**
 * Renders '@account-totp-setup': the QR code and secret of a pending TOTP enrolment and the form that
 * confirms it with a code (posting to `form.action`, its CSRF token bound to `binding`), for the
 * account page and the enrolment-only page alike. `error` is shown beside the code field.
 */
export function renderTotpSetup(
  pages: Pages,
  ctx: ParameterizedContext,
  binding: string,
  view: { qrSvg?: string; secret?: string; otpauthUri?: string; error?: string },
  form: { action: string; cancel?: string },
  status = 200,
): void {
  pages.render(
    ctx,
    '@account-totp-setup',
    {
      title: 'Set up an authenticator app',
      qrSvg: view.qrSvg,
      secret: view.secret,
      otpauthUri: view.otpauthUri,
      cancel: form.cancel,
      form: formView({
        action: form.action,
        submit: 'Turn on',
        fields: [CODE_FIELD],
        errors: view.error ? { code: [view.error] } : undefined,
        csrfField: CSRF_FIELD,
        csrfToken: pages.csrf.issue(ctx, binding),
      }),
    },
    status,
  )
}
