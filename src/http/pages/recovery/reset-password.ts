import type { Translator } from '../../../infra/i18n/catalogues.js'
import { endedInWords, linkProblemOf } from '../plain-words.js'
import type { ParameterizedContext } from 'koa'
import { MIN_PASSWORD_LENGTH } from '../../../domain/password-policy.js'
import { HeimdallError, validationError } from '../../../errors.js'
import { RESET_PAGE_PATH } from '../../../usecases/recovery/link-mails.js'
import { checkResetToken, resetPassword } from '../../../usecases/recovery/reset-password.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView, type FormFieldSpec } from '../form.js'
import { anyone, formPage } from '../form-page.js'
import type { Pages } from '../pages.js'
import { LOGIN_PATH } from '../account/shared.js'
import { FORGOT_PAGE_PATH } from './forgot-password.js'

const fieldsOf = (t: Translator): FormFieldSpec[] => [
  { name: 'new_password', label: t('field.new_password'), type: 'password', autocomplete: 'new-password', required: true, hint: t('reset.password_hint', { count: MIN_PASSWORD_LENGTH }) },
  { name: 'new_password_confirm', label: t('reset.repeat'), type: 'password', autocomplete: 'new-password', required: true },
]

/**
 * GET /account/reset-password?token=...: the form (new password twice) when the link still works, a
 * message saying why not otherwise. POST: the same reset as POST /auth/password/reset, with errors
 * next to their field, and the result. The token travels in a hidden field, never in a Referer.
 */
export function resetPasswordPage(pages: Pages): void {
  function showForm(ctx: ParameterizedContext, token: string, email: string, errors: Record<string, string[]> = {}, status = 200): void {
    const t = pages.t(ctx)
    pages.render(ctx, '@reset-password', {
      title: t('reset.title'),
      email,
      form: formView({
        action: RESET_PAGE_PATH,
        submit: t('reset.submit'),
        fields: fieldsOf(t),
        errors,
        error: errors['']?.join(' '),
        hidden: { token },
        csrfField: CSRF_FIELD,
        csrfToken: pages.csrf.issue(ctx),
      }),
    }, status)
  }

  function showLinkProblem(ctx: ParameterizedContext, error: HeimdallError): void {
    const t = pages.t(ctx)
    pages.render(ctx, '@message', { title: t('link.title'), tone: 'failure', message: linkProblemOf(t, error), link: { href: FORGOT_PAGE_PATH, label: t('link.ask_new') } }, error.status)
  }

  formPage(pages, {
    path: RESET_PAGE_PATH,
    audience: anyone,
    // The link's token is the credential: the API's budget, not a second one.
    budget: { spends: '/auth/password/reset' },
    fields: ['new_password', 'new_password_confirm'],
    async show(ctx) {
      const token = typeof ctx.query.token === 'string' ? ctx.query.token : ''
      try {
        const { email } = await checkResetToken(pages.contextOf(ctx), token)
        showForm(ctx, token, email)
      } catch (error) {
        if (error instanceof HeimdallError && error.code === 'recovery.invalid_token') return showLinkProblem(ctx, error)
        throw error
      }
    },
    async run(ctx, { field }) {
      const token = field('token')
      const { email } = await checkResetToken(pages.contextOf(ctx), token)
      const newPassword = field('new_password')
      if (newPassword !== field('new_password_confirm')) {
        throw validationError([{ loc: ['body', 'new_password_confirm'], msg: pages.t(ctx)('reset.differ'), type: 'value_error' }])
      }
      const result = await resetPassword(pages.contextOf(ctx), { token, newPassword, ip: pages.ipOf(ctx) })
      const t = pages.t(ctx)
      const ended = result.endedAtFirstProof ? endedInWords(t, result.endedAtFirstProof) : ''
      pages.render(ctx, '@message', {
        title: t('reset.done_title'),
        tone: 'success',
        message: `${t('reset.done', { email })}${ended ? ` ${ended}` : ''}`,
        link: { href: LOGIN_PATH, label: t('register.sign_in') },
      })
    },
    async rerender(ctx, { field }, problem) {
      if (problem.error.code === 'recovery.invalid_token') return showLinkProblem(ctx, problem.error)
      if (problem.error.code !== 'validation.failed') throw problem.error
      // The link still works (the reset refused the password, not the token): the form again, for its address.
      const { email } = await checkResetToken(pages.contextOf(ctx), field('token'))
      showForm(ctx, field('token'), email, problem.errors, 422)
    },
  })
}
