import type { ParameterizedContext } from 'koa'
import type { Context } from '../../../context.js'
import { MIN_PASSWORD_LENGTH } from '../../../domain/password-policy.js'
import { HeimdallError } from '../../../errors.js'
import { RESET_PAGE_PATH } from '../../../usecases/recovery/link-mails.js'
import { endedInWords } from '../../../usecases/recovery/first-proof.js'
import { checkResetToken, resetPassword } from '../../../usecases/recovery/reset-password.js'
import { clientIp } from '../../client-ip.js'
import { requestContexts } from '../../request-context.js'
import { CSRF_FIELD } from '../csrf.js'
import { fieldErrorsOf, formField, formView, type FormFieldSpec } from '../form.js'
import { postedForm, type Pages } from '../pages.js'
import { LOGIN_PATH } from '../account/shared.js'
import { FORGOT_PAGE_PATH } from './forgot-password.js'

const FIELDS: FormFieldSpec[] = [
  {
    name: 'new_password',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: `At least ${MIN_PASSWORD_LENGTH} characters, with an upper-case letter, a lower-case letter and a digit.`,
  },
  { name: 'new_password_confirm', label: 'Repeat the new password', type: 'password', autocomplete: 'new-password', required: true },
]

/**
 * GET /account/reset-password?token=...: the form (new password twice) when the link still works, a
 * message saying why not otherwise. POST: the same reset as POST /auth/password/reset, with errors
 * next to their field, and the result. The token travels in a hidden field, never in a Referer.
 */
export function resetPasswordPage(pages: Pages, context: Context): void {
  const contextOf = requestContexts(context)

  function showForm(ctx: ParameterizedContext, token: string, email: string, errors: Record<string, string[]> = {}, status = 200): void {
    pages.render(ctx, '@reset-password', {
      title: 'Choose a new password',
      email,
      form: formView({
        action: RESET_PAGE_PATH,
        submit: 'Set the new password',
        fields: FIELDS,
        errors,
        error: errors['']?.join(' '),
        hidden: { token },
        csrfField: CSRF_FIELD,
        csrfToken: pages.csrf.issue(ctx),
      }),
    }, status)
  }

  function showLinkProblem(ctx: ParameterizedContext, error: HeimdallError): void {
    pages.render(ctx, '@message', { title: 'This link does not work', tone: 'failure', message: `${error.message}. You can ask for a new link.`, link: { href: FORGOT_PAGE_PATH, label: 'Ask for a new link' } }, error.status)
  }

  pages.page(RESET_PAGE_PATH, {
    // The link's token is the credential: the API's budget, not a second one.
    budget: { spends: '/auth/password/reset' },
    async get(ctx) {
      const token = typeof ctx.query.token === 'string' ? ctx.query.token : ''
      try {
        const { email } = await checkResetToken(contextOf(ctx), token)
        showForm(ctx, token, email)
      } catch (error) {
        if (error instanceof HeimdallError && error.code === 'recovery.invalid_token') return showLinkProblem(ctx, error)
        throw error
      }
    },
    async post(ctx) {
      const form = postedForm(ctx)
      pages.csrf.verify(ctx, formField(form, CSRF_FIELD))
      const token = formField(form, 'token')
      const requestContext = contextOf(ctx)
      let email: string
      try {
        ;({ email } = await checkResetToken(requestContext, token))
      } catch (error) {
        if (error instanceof HeimdallError && error.code === 'recovery.invalid_token') return showLinkProblem(ctx, error)
        throw error
      }
      const newPassword = formField(form, 'new_password')
      if (newPassword !== formField(form, 'new_password_confirm')) {
        return showForm(ctx, token, email, { new_password_confirm: ['The two passwords differ'] }, 422)
      }
      let ended = ''
      try {
        const result = await resetPassword(requestContext, { token, newPassword, ip: clientIp(ctx, context.config.trustedProxies) })
        ended = result.endedAtFirstProof ? endedInWords(result.endedAtFirstProof) : ''
      } catch (error) {
        if (!(error instanceof HeimdallError)) throw error
        if (error.code === 'validation.failed') return showForm(ctx, token, email, fieldErrorsOf(error, FIELDS.map((field) => field.name)), 422)
        if (error.code === 'recovery.invalid_token') return showLinkProblem(ctx, error)
        throw error
      }
      pages.render(ctx, '@message', {
        title: 'Password changed',
        tone: 'success',
        message: `The password of ${email} has been changed and every device was signed out. Sign in with the new password.${ended ? ` ${ended}` : ''}`,
        link: { href: LOGIN_PATH, label: 'Sign in' },
      })
    },
  })
}
