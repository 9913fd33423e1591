import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../../errors.js'
import { VERIFY_PAGE_PATH } from '../../../usecases/recovery/link-mails.js'
import { checkEmailLink, confirmEmailLink, type EmailLinkPreview } from '../../../usecases/recovery/confirm-email-link.js'
import { endedInWords } from '../../../usecases/recovery/first-proof.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView } from '../form.js'
import { anyone, formPage } from '../form-page.js'
import type { Pages } from '../pages.js'
import { ACCOUNT_PATH } from '../account/shared.js'

/**
 * /account/verify-email?token=...: where verification and email-change mails lead. GET only shows what
 * the link would do and one button: mail scanners and link previews fetch links before anyone reads
 * the mail, so opening one must change nothing. The button POSTs the token (CSRF-checked as every
 * page form); that confirms the address or completes the change. A link that does not work says why.
 */
export function verifyEmailPage(pages: Pages): void {
  function showLinkProblem(ctx: ParameterizedContext, error: unknown): void {
    if (!(error instanceof HeimdallError) || (error.code !== 'recovery.invalid_token' && error.code !== 'user.email_taken')) throw error
    const message = error.code === 'user.email_taken' ? 'Another account already uses this address, so it cannot be moved to it.' : `${error.message}.`
    // A way on (issue 27): the account page sends a new link (and asks to sign in first when needed).
    const link = error.code === 'user.email_taken' ? { href: ACCOUNT_PATH, label: 'Go to your account' } : { href: ACCOUNT_PATH, label: 'Get a new link from your account page' }
    pages.render(ctx, '@message', { title: 'This link does not work', tone: 'failure', message, link }, error.status)
  }

  function showButton(ctx: ParameterizedContext, token: string, preview: EmailLinkPreview): void {
    const change = preview.kind === 'change'
    pages.render(ctx, '@confirm-email', {
      title: change ? 'Confirm your new email address' : 'Confirm your email address',
      question: change ? `Move the account ${preview.email} to ${preview.newEmail}?` : `Confirm ${preview.email} as the address of your account?`,
      form: formView({
        action: VERIFY_PAGE_PATH,
        submit: change ? 'Confirm my new address' : 'Confirm my address',
        fields: [],
        hidden: { token },
        csrfField: CSRF_FIELD,
        csrfToken: pages.csrf.issue(ctx),
      }),
    })
  }

  formPage(pages, {
    path: VERIFY_PAGE_PATH,
    audience: anyone,
    // The link's token is the credential, whether it verifies or changes the address: the API's budget.
    budget: { spends: '/auth/email/verify' },
    async show(ctx) {
      const token = typeof ctx.query.token === 'string' ? ctx.query.token : ''
      try {
        showButton(ctx, token, await checkEmailLink(pages.contextOf(ctx), token))
      } catch (error) {
        showLinkProblem(ctx, error)
      }
    },
    async run(ctx, { field }) {
      const result = await confirmEmailLink(pages.contextOf(ctx), { token: field('token') })
      pages.render(ctx, '@message', {
        title: result.kind === 'changed' ? 'Email address changed' : 'Email address confirmed',
        tone: 'success',
        message:
          result.kind === 'changed'
            ? `Your account now uses ${result.email}.`
            : `${result.email} is confirmed as your address. Thank you.${result.endedAtFirstProof && endedInWords(result.endedAtFirstProof) ? ` ${endedInWords(result.endedAtFirstProof)}` : ''}`,
        link: { href: ACCOUNT_PATH, label: 'Go to your account' },
      })
    },
    rerender: (ctx, _post, problem) => showLinkProblem(ctx, problem.error),
  })
}
