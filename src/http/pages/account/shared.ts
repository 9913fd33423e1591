import type { Translator } from '../../../infra/i18n/catalogues.js'
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
    if (account) {
      // The user's own language wins over the browser's on every page shown to them (pages.t).
      ctx.state.userLanguage = account.language ?? undefined
      delete ctx.state.translator
      return { actor: account, binding: account.sessionId }
    }
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
    backToAccount(ctx: ParameterizedContext, notice: (typeof NOTICES)[number]): void {
      ctx.status = 303
      ctx.redirect(`${ACCOUNT_PATH}?done=${notice}`)
    },
  }
}

export type AccountDoors = ReturnType<typeof accountDoors>

/** The notices the account page shows after a form (`?done=`; catalogue key `notice.<name>`). */
export const NOTICES = ['password', 'session', 'sessions', 'totp_enabled', 'totp_disabled', 'passkey_added', 'passkey_removed', 'consent_revoked', 'identity_linked', 'identity_unlinked', 'verification_sent', 'email_change_sent', 'language'] as const

/** "pwd otp mfa" as words people read. */
export function methodsInWords(t: Translator, amr: readonly string[]): string {
  const words: Record<string, string> = { pwd: 'method.pwd', otp: 'method.otp', hwk: 'method.passkey', swk: 'method.passkey', fed: 'method.fed' }
  const named = amr.filter((method) => Object.hasOwn(words, method)).map((method) => t(words[method]))
  return named.length === 0 ? t('method.operator') : named.join(' + ')
}

/** A one-time code field: digits on a phone's keyboard, filled from an SMS or app where the browser can. */
export function codeField(t: Translator): FormFieldSpec {
  return { name: 'code', label: t('totp.code_label'), type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', required: true }
}

/**
 * Renders '@account-recovery-codes': the codes, shown once, with a download (a data: link, no script)
 * and a Copy button the page script shows where the Clipboard API exists. `next`: where to go on.
 */
export function renderRecoveryCodes(pages: Pages, ctx: ParameterizedContext, view: { title: string; codes: string[]; next?: string }): void {
  const text = `${pages.t(ctx)('codes.file_heading')}\n\n${view.codes.join('\n')}\n`
  pages.render(ctx, '@account-recovery-codes', { ...view, script: PASSKEY_SCRIPT_PATH, download: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}` }, 200, PASSKEY_PAGE_CSP)
}

/** A moment as the account page shows it: "2026-12-06 05:40 UTC" (the same in every language), or "never". */
export function dateOf(t: Translator, epochMs: number | null): string {
  return epochMs === null ? t('time.never') : new Date(epochMs).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
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
      title: pages.t(ctx)('account.totp_setup'),
      qrSvg: view.qrSvg,
      secret: view.secret,
      otpauthUri: view.otpauthUri,
      cancel: form.cancel,
      form: formView({
        action: form.action,
        submit: pages.t(ctx)('totp.turn_on'),
        fields: [codeField(pages.t(ctx))],
        errors: view.error ? { code: [view.error] } : undefined,
        csrfField: CSRF_FIELD,
        csrfToken: pages.csrf.issue(ctx, binding),
      }),
    },
    status,
  )
}
