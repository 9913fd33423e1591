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

const FIELDS: FormFieldSpec[] = [{ name: 'email', label: 'Email', type: 'email', autocomplete: 'username', required: true }]

/**
 * GET /account/forgot-password: the address to send a reset link to. POST: the same request as
 * POST /auth/password/forgot (use case, per-address cap, and the API's per-IP budget),
 * answered with the same neutral message whether or not the address has an account; a malformed
 * address is said next to the field, as the API answers it 422. The mail leads to the reset page.
 */
export function forgotPasswordPage(pages: Pages): void {
  function showForm(ctx: ParameterizedContext, email = '', errors: Record<string, string[]> = {}, status = 200): void {
    pages.render(ctx, '@forgot-password', {
      title: 'Forgot your password?',
      signIn: LOGIN_PATH,
      form: formView({
        action: FORGOT_PAGE_PATH,
        submit: 'Send me a link',
        fields: FIELDS,
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
      pages.render(ctx, '@message', { title: 'Check your mail', tone: 'info', message: FORGOT_MESSAGE, link: { href: LOGIN_PATH, label: 'Back to sign in' } })
    },
    rerender: (ctx, { field }, problem) => {
      // Only a malformed address is the form's to show; the API answers nothing else as a 4xx here.
      if (problem.error.code !== 'validation.failed') throw problem.error
      showForm(ctx, field('email'), problem.errors, 422)
    },
  })
}
