import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../../../errors.js'
import { getPendingLink } from '../../../../usecases/federation/get-pending-link.js'
import { login } from '../../../../usecases/sessions/login.js'
import { CSRF_FIELD } from '../../csrf.js'
import { anyone, formPage, type FormProblem } from '../../form-page.js'
import { formView, type FormFieldSpec } from '../../form.js'
import { FORGOT_PAGE_PATH } from '../../recovery/forgot-password.js'
import type { AccountDoors } from '../shared.js'
import { finishSignIn } from './finish.js'
import { PENDING_LINK } from './pending-link.js'
import { LINK_PATH } from './paths.js'
import { renderUpstreamProblem } from './upstream.js'

const FIELDS: FormFieldSpec[] = [{ name: 'password', label: 'Password of your account here', type: 'password', autocomplete: 'current-password', required: true }]

/**
 * The link page (docs/federation.md, "the linking policy" 3): an upstream identity whose address an
 * account here has is never merged silently. The person proves that account with its password (the
 * password login itself: lockout, budget of POST /auth/login, audit), then its second factor when it has
 * one (the second step's page); the sign-in that follows spends the pending link (finish.ts) and opens
 * the session. A wrong password is said beside the field; a spent or expired link, on a page of its own.
 */
export function linkPage(doors: AccountDoors): void {
  const { pages } = doors
  const pendingOf = async (ctx: ParameterizedContext) => getPendingLink(pages.contextOf(ctx), { pendingLinkToken: pages.cookies.get(ctx, PENDING_LINK) ?? '' })

  async function render(ctx: ParameterizedContext, problem?: FormProblem): Promise<void> {
    let pending
    try {
      pending = await pendingOf(ctx)
    } catch (error) {
      return renderUpstreamProblem(doors, ctx, error)
    }
    const wrongPassword = problem?.error.code === 'auth.invalid_credentials'
    pages.render(
      ctx,
      '@account-link',
      {
        title: `Link your ${pending.provider} identity`,
        provider: pending.provider,
        email: pending.email,
        forgotPassword: FORGOT_PAGE_PATH,
        form: formView({
          action: LINK_PATH,
          submit: `Link ${pending.provider} and sign in`,
          fields: FIELDS,
          errors: wrongPassword ? { password: problem.errors[''] ?? [] } : problem?.errors,
          error: wrongPassword ? undefined : problem?.errors['']?.join(' '),
          csrfField: CSRF_FIELD,
          csrfToken: pages.csrf.issue(ctx),
        }),
      },
      problem?.status,
    )
  }

  formPage(pages, {
    path: LINK_PATH,
    audience: anyone,
    show: (ctx) => render(ctx),
    budget: { spends: '/auth/login' },
    fields: FIELDS.map((field) => field.name),
    run: async (ctx, { field }) => {
      const pending = await pendingOf(ctx).catch((error: unknown) => {
        // Expired meanwhile: no form can help, the page says so (a 4xx the form would re-render otherwise).
        if (error instanceof HeimdallError) throw Object.assign(error, { linkGone: true })
        throw error
      })
      await finishSignIn(doors, ctx, await login(pages.contextOf(ctx), { email: pending.email, password: field('password'), ip: pages.ipOf(ctx) }))
    },
    rerender: (ctx, _post, problem) => ((problem.error as { linkGone?: boolean }).linkGone ? renderUpstreamProblem(doors, ctx, problem.error) : render(ctx, problem)),
  })
}
