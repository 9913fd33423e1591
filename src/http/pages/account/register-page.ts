import type { ParameterizedContext } from 'koa'
import type { Context } from '../../../context.js'
import { HeimdallError } from '../../../errors.js'
import { registerUser } from '../../../usecases/users/register-user.js'
import { parseInput } from '../../parse-input.js'
import { RegisterRequest } from '../../schemas.js'
import { CSRF_FIELD } from '../csrf.js'
import { formView, type FormFieldSpec } from '../form.js'
import { anyone, formPage } from '../form-page.js'
import { passwordPolicyInWords } from '../password-policy-words.js'
import type { Translator } from '../../../infra/i18n/catalogues.js'

import { askingApplication, keepingApplication } from './asking-application.js'
import { LOGIN_PATH, type AccountDoors } from './shared.js'

export const REGISTER_PATH = '/account/register'

const fieldsOf = (t: Translator): FormFieldSpec[] => [
  { name: 'email', label: t('field.email'), type: 'email', autocomplete: 'email', required: true },
  { name: 'password', label: t('field.password'), type: 'password', autocomplete: 'new-password', required: true, hint: passwordPolicyInWords(t) },
]

/** Whether people may create an account on the hosted pages (HEIMDALL_REGISTRATION_PAGE, on by default). */
export function registrationOpen(context: Context): boolean {
  return context.config.registrationPage
}

/**
 * /account/register (issue 27): an account of one's own, by the same use case, schema and per-IP
 * budget as POST /auth/register; the password policy is shown under its field before anything is
 * sent, the verification mail goes out with the account, and the page says what to do next. Off
 * (a 404 page) when HEIMDALL_REGISTRATION_PAGE=false. OIDC prompt=create leads here (interaction-pages.ts);
 * the sign-in that follows returns to the application (return-to.ts).
 */
export function registerPage(doors: AccountDoors): void {
  const { pages } = doors

  async function showForm(ctx: ParameterizedContext, view: { email?: string; errors?: Record<string, string[]>; status?: number } = {}): Promise<void> {
    const t = pages.t(ctx)
    // Reached from an application (prompt=create, or the sign-in page's link): the page names it.
    const application = await askingApplication(pages.contextOf(ctx), ctx)
    pages.render(
      ctx,
      '@account-register',
      {
        title: t('login.create_account'),
        application: application?.name,
        signIn: keepingApplication(LOGIN_PATH, application),
        form: formView({
          id: 'form-register',
          action: keepingApplication(REGISTER_PATH, application),
          submit: t('register.submit'),
          fields: fieldsOf(t),
          values: { email: view.email },
          errors: view.errors,
          error: view.errors?.['']?.join(' '),
          csrfField: CSRF_FIELD,
          csrfToken: pages.csrf.issue(ctx),
        }),
      },
      view.status,
    )
  }

  /** Off by the setting: the page does not exist. */
  function requireOpen(ctx: ParameterizedContext): void {
    if (!registrationOpen(pages.contextOf(ctx))) throw new HeimdallError('route.not_found', 'Not Found')
  }

  formPage(pages, {
    path: REGISTER_PATH,
    audience: anyone,
    budget: { spends: '/auth/register' },
    fields: ['email', 'password'],
    show: async (ctx) => {
      requireOpen(ctx)
      await showForm(ctx)
    },
    run: async (ctx, { field }) => {
      requireOpen(ctx)
      const input = parseInput(RegisterRequest, { email: field('email'), password: field('password') })
      const user = await registerUser(pages.contextOf(ctx), { email: input.email, password: input.password })
      const t = pages.t(ctx)
      const application = await askingApplication(pages.contextOf(ctx), ctx)
      pages.render(ctx, '@message', {
        title: t('mail_sent.title'),
        tone: 'success',
        message: t('register.done', { email: user.email }),
        link: { href: keepingApplication(LOGIN_PATH, application), label: application ? t('register.sign_in_to', { application: application.name }) : t('register.go_to_sign_in') },
      })
    },
    rerender: (ctx, { field }, problem) => {
      if (problem.error.code === 'route.not_found') throw problem.error
      const errors = problem.error.code === 'user.email_taken' ? { email: [pages.t(ctx)('register.email_taken')] } : problem.errors
      return showForm(ctx, { email: field('email'), errors, status: problem.status })
    },
  })
}
