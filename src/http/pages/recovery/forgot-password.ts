import type { Translator } from '../../../infra/i18n/catalogues.js'
import type { ParameterizedContext } from 'koa'
import { parseInput } from '../../parse-input.js'
import { FORGOT_MESSAGE, requestPasswordResetAfterAnswer } from '../../password-reset-request.js'
import { ForgotPasswordRequest } from '../../schemas.js'
import { LOGIN_PATH } from '../account/shared.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView, type FormFieldSpec } from '../form.js'
import { anyone, formPage } from '../form-page.js'
import type { Pages } from '../pages.js'

export const FORGOT_PAGE_PATH = '/account/forgot-password'

const fieldsOf = (t: Translator): FormFieldSpec[] => [{ name: 'email', label: t('field.email'), type: 'email', autocomplete: 'username', required: true }]

/**
 * GET /account/forgot-password: the address to send a reset link to. POST: the same request as
 * POST /auth/password/forgot (use case, per-address cap, and the API's per-IP budget),
 * answered with the same neutral message whether or not the address has an account; a malformed
 * address is said next to the field, as the API answers it 422. The mail leads to the reset page.
 */
export function forgotPasswordPage(pages: Pages): void {
  function showForm(ctx: ParameterizedContext, email = '', errors: Record<string, string[]> = {}, status = 200): void {
    const t = pages.t(ctx)
    pages.render(ctx, '@forgot-password', {
      title: t('forgot.title'),
      signIn: LOGIN_PATH,
      form: formView({
        action: FORGOT_PAGE_PATH,
        submit: t('forgot.submit'),
        fields: fieldsOf(t),
        values: { email },
        errors,
        error: errors['']?.join(' '),
        csrfField: CSRF_FIELD,
        csrfToken: pages.csrf.issue(ctx),
      }),
    }, status)
  }

  formPage(pages, {
    path: FORGOT_PAGE_PATH,
    audience: anyone,
    budget: { spends: '/auth/password/forgot' },
    fields: ['email'],
    show: (ctx) => showForm(ctx),
    run: (ctx, { field }) => {
      const { email } = parseInput(ForgotPasswordRequest, { email: field('email') })
      requestPasswordResetAfterAnswer(ctx.res, pages.contextOf(ctx), { email, ip: pages.ipOf(ctx) })
      const t = pages.t(ctx)
      pages.render(ctx, '@message', { title: t('mail_sent.title'), tone: 'info', message: t('forgot.sent'), link: { href: LOGIN_PATH, label: t('forgot.back') } })
    },
    rerender: (ctx, { field }, problem) => {
      // Only a malformed address is the form's to show; the API answers nothing else as a 4xx here.
      if (problem.error.code !== 'validation.failed') throw problem.error
      showForm(ctx, field('email'), problem.errors, 422)
    },
  })
}
