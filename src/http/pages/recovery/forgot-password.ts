import type { ParameterizedContext } from 'koa'
import type { Context } from '../../../context.js'
import { HeimdallError } from '../../../errors.js'
import { clientIp } from '../../client-ip.js'
import { parseInput } from '../../parse-input.js'
import { FORGOT_MESSAGE, requestPasswordResetAfterAnswer } from '../../password-reset-request.js'
import { requestContexts } from '../../request-context.js'
import { ForgotPasswordRequest } from '../../schemas.js'
import { LOGIN_PATH } from '../account/shared.js'
import { CSRF_FIELD } from '../csrf.js'
import { fieldErrorsOf, formField, formView, type FormFieldSpec } from '../form.js'
import { postedForm, type Pages } from '../pages.js'

export const FORGOT_PAGE_PATH = '/account/forgot-password'

const FIELDS: FormFieldSpec[] = [{ name: 'email', label: 'Email', type: 'email', autocomplete: 'username', required: true }]

/**
 * GET /account/forgot-password: the address to send a reset link to. POST: the same request as
 * POST /auth/password/forgot (use case, per-address cap, and the API's per-IP budget),
 * answered with the same neutral message whether or not the address has an account; a malformed
 * address is said next to the field, as the API answers it 422. The mail leads to the reset page.
 */
export function forgotPasswordPage(pages: Pages, context: Context): void {
  const contextOf = requestContexts(context)

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

  pages.page(FORGOT_PAGE_PATH, {
    budget: { spends: '/auth/password/forgot' },
    get: (ctx) => showForm(ctx),
    post: (ctx) => {
      const form = postedForm(ctx)
      pages.csrf.verify(ctx, formField(form, CSRF_FIELD))
      const typed = formField(form, 'email')
      let email: string
      try {
        ;({ email } = parseInput(ForgotPasswordRequest, { email: typed }))
      } catch (error) {
        if (error instanceof HeimdallError && error.code === 'validation.failed') return showForm(ctx, typed, fieldErrorsOf(error, ['email']), 422)
        throw error
      }
      requestPasswordResetAfterAnswer(ctx.res, contextOf(ctx), { email, ip: clientIp(ctx, context.config.trustedProxies) })
      pages.render(ctx, '@message', { title: 'Check your mail', tone: 'info', message: FORGOT_MESSAGE, link: { href: LOGIN_PATH, label: 'Back to sign in' } })
    },
  })
}
