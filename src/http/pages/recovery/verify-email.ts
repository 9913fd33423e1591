import { linkProblemOf, endedInWords } from '../plain-words.js'
import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../../errors.js'
import { VERIFY_PAGE_PATH } from '../../../usecases/recovery/link-mails.js'
import { checkEmailLink, confirmEmailLink, type EmailLinkPreview } from '../../../usecases/recovery/confirm-email-link.js'
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
    const t = pages.t(ctx)
    const message = error.code === 'user.email_taken' ? t('verify.taken') : linkProblemOf(t, error)
    // A way on (issue 27): the account page sends a new link (and asks to sign in first when needed).
    const link = error.code === 'user.email_taken' ? { href: ACCOUNT_PATH, label: t('error.go_to_account') } : { href: ACCOUNT_PATH, label: t('verify.new_link') }
    pages.render(ctx, '@message', { title: t('link.title'), tone: 'failure', message, link }, error.status)
  }

  function showButton(ctx: ParameterizedContext, token: string, preview: EmailLinkPreview): void {
    const change = preview.kind === 'change'
    const t = pages.t(ctx)
    pages.render(ctx, '@confirm-email', {
      title: change ? t('verify.title_change') : t('verify.title'),
      question: change ? t('verify.question_change', { email: preview.email, new_email: preview.newEmail ?? '' }) : t('verify.question', { email: preview.email }),
      form: formView({
        action: VERIFY_PAGE_PATH,
        submit: change ? t('verify.submit_change') : t('verify.submit'),
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
      const t = pages.t(ctx)
      const ended = result.endedAtFirstProof ? endedInWords(t, result.endedAtFirstProof) : ''
      pages.render(ctx, '@message', {
        title: result.kind === 'changed' ? t('verify.changed_title') : t('verify.confirmed_title'),
        tone: 'success',
        message: result.kind === 'changed' ? t('verify.changed', { email: result.email }) : `${t('verify.confirmed', { email: result.email })}${ended ? ` ${ended}` : ''}`,
        link: { href: ACCOUNT_PATH, label: t('error.go_to_account') },
      })
    },
    rerender: (ctx, _post, problem) => showLinkProblem(ctx, problem.error),
  })
}
