import type { ParameterizedContext } from 'koa'
import type { AccountSession } from '../../../usecases/sessions/account-session.js'
import { getMfaStatus } from '../../../usecases/mfa/get-mfa-status.js'
import { HeimdallError } from '../../../errors.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView } from '../form.js'
import { formPage } from '../form-page.js'
import type { AccountDoors } from './shared.js'

const REMOVE_PATH = '/account/passkeys/remove'

/** The address of the page that removes one passkey (a link from the account page's list). */
export function removeHrefOf(passkeyId: string): string {
  return `${REMOVE_PATH}?${new URLSearchParams({ id: passkeyId })}`
}

/**
 * /account/passkeys/remove?id=...: asks for the password before a passkey is removed, as the
 * authenticator app's removal does (issue 27); POST removes it (`remove`: the use case, which checks
 * the password) and goes back to the account page. A wrong password is said beside its field.
 */
export function passkeyRemovePage(doors: AccountDoors, remove: (ctx: ParameterizedContext, account: AccountSession, input: { id: string; password: string }) => Promise<void>): void {
  const { pages } = doors

  async function render(ctx: ParameterizedContext, account: AccountSession, id: string, errors?: Record<string, string[]>, status = 200): Promise<void> {
    const passkey = (await getMfaStatus(pages.contextOf(ctx), { userId: account.userId })).passkeys.find((candidate) => candidate.id === id)
    if (!passkey) throw new HeimdallError('passkey.not_found', 'No such passkey: it may have been removed already.')
    const t = pages.t(ctx)
    pages.render(
      ctx,
      '@account-passkey-remove',
      {
        title: t('passkey.remove_title'),
        name: passkey.name,
        form: formView({
          id: 'form-passkey-remove',
          action: REMOVE_PATH,
          submit: t('account.passkey_remove_name', { name: passkey.name }),
          variant: 'danger',
          fields: [{ name: 'password', label: t('field.your_password'), type: 'password', autocomplete: 'current-password', required: true }],
          hidden: { passkey_id: id },
          errors,
          error: errors?.['']?.join(' '),
          csrfField: CSRF_FIELD,
          csrfToken: pages.csrf.issue(ctx, account.sessionId),
        }),
      },
      status,
    )
  }

  formPage<AccountSession>(pages, {
    path: REMOVE_PATH,
    audience: doors.signedIn,
    show: (ctx, account) => render(ctx, account, typeof ctx.query.id === 'string' ? ctx.query.id : ''),
    budget: { spends: '/auth/mfa/totp/disable' },
    fields: ['password'],
    run: async (ctx, { actor, field }) => {
      await remove(ctx, actor, { id: field('passkey_id'), password: field('password') })
      doors.backToAccount(ctx, 'passkey_removed')
    },
    rerender: (ctx, post, problem) =>
      // A wrong password is the password field's; anything else (no such passkey) is said above the form.
      render(ctx, post.actor, post.field('passkey_id'), problem.error.code === 'auth.invalid_credentials' ? { password: [problem.message] } : problem.errors, problem.status),
  })
}
