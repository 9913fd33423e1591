import type { Translator } from '../../../../infra/i18n/catalogues.js'
import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../../../errors.js'
import { getPendingLink } from '../../../../usecases/federation/get-pending-link.js'
import { login } from '../../../../usecases/sessions/login.js'
import { CSRF_FIELD } from '../../csrf.js'
import { anyone, formPage, type FormProblem } from '../../form-page.js'
import { formView, type FormFieldSpec } from '../../form.js'
import { FORGOT_PAGE_PATH } from '../../recovery/forgot-password.js'
import { PASSKEY_SCRIPT_PATH } from '../passkey-script.js'
import { LOGIN_PATH, type AccountDoors } from '../shared.js'
import { finishSignIn } from './finish.js'
import { proveWithPasskey } from './passkey.js'
import { PENDING_LINK } from './pending-link.js'
import { LINK_CANCEL_PATH, LINK_PASSKEY_PATH, LINK_PATH } from './paths.js'
import { renderUpstreamProblem } from './upstream.js'
import { passkeyButton } from './views.js'

const fieldsOf = (t: Translator): FormFieldSpec[] => [{ name: 'password', label: t('link.password_label'), type: 'password', autocomplete: 'current-password', required: true }]

/**
 * The link page (docs/federation.md, "the linking policy" 3): an upstream identity whose address an
 * account here has is never merged silently. The person proves that account, either with its password
 * (the password login itself: lockout, budget of POST /auth/login, audit), then its second factor when
 * it has one (the second step's page), or with one of its passkeys (the passkey sign-in's use case and
 * budget, passkey.ts; a passkey of another account is refused before any session). The sign-in that
 * follows spends the pending link (finish.ts) and opens the session. A wrong password is said beside
 * the field, a refused passkey above the forms; a spent or expired link, on a page of its own.
 */
export function linkPage(doors: AccountDoors): void {
  const { pages } = doors
  const pendingOf = async (ctx: ParameterizedContext) => getPendingLink(pages.contextOf(ctx), { pendingLinkToken: pages.cookies.get(ctx, PENDING_LINK) ?? '' })
  /** The pending link of a POST: one expired meanwhile is marked, so that its page (not the form) says so. */
  const livePendingOf = (ctx: ParameterizedContext) =>
    pendingOf(ctx).catch((error: unknown) => {
      if (error instanceof HeimdallError) throw Object.assign(error, { linkGone: true })
      throw error
    })
  const linkGone = (problem: FormProblem) => (problem.error as { linkGone?: boolean }).linkGone === true

  async function render(ctx: ParameterizedContext, problem?: FormProblem): Promise<void> {
    let pending
    try {
      pending = await pendingOf(ctx)
    } catch (error) {
      return renderUpstreamProblem(doors, ctx, error)
    }
    const wrongPassword = problem?.error.code === 'auth.invalid_credentials'
    const t = pages.t(ctx)
    doors.renderWithPasskeys(
      ctx,
      '@account-link',
      {
        title: t('link_identity.title', { provider: pending.provider }),
        provider: pending.provider,
        email: pending.email,
        forgotPassword: FORGOT_PAGE_PATH,
        form: formView({
          action: LINK_PATH,
          submit: t('link.submit', { provider: pending.provider }),
          fields: fieldsOf(t),
          errors: wrongPassword ? { password: problem.errors[''] ?? [] } : problem?.errors,
          error: wrongPassword ? undefined : problem?.errors['']?.join(' '),
          csrfField: CSRF_FIELD,
          csrfToken: pages.csrf.issue(ctx),
        }),
        script: PASSKEY_SCRIPT_PATH,
        passkey: passkeyButton(doors, ctx, { id: 'passkey-link', action: LINK_PASSKEY_PATH, field: 'response', label: t('link.passkey') }),
        cancelForm: formView({ action: LINK_CANCEL_PATH, submit: t('link.cancel'), variant: 'secondary', fields: [], csrfField: CSRF_FIELD, csrfToken: pages.csrf.issue(ctx) }),
      },
      problem?.status,
    )
  }

  formPage(pages, {
    path: LINK_PATH,
    audience: anyone,
    show: (ctx) => render(ctx),
    budget: { spends: '/auth/login' },
    fields: ['password'],
    run: async (ctx, { field }) => {
      const pending = await livePendingOf(ctx)
      await finishSignIn(doors, ctx, await login(pages.contextOf(ctx), { email: pending.email, password: field('password'), ip: pages.ipOf(ctx) }))
    },
    rerender: (ctx, _post, problem) => (linkGone(problem) ? renderUpstreamProblem(doors, ctx, problem.error) : render(ctx, problem)),
  })

  formPage(pages, {
    path: LINK_PASSKEY_PATH,
    audience: anyone,
    budget: { spends: '/auth/passkeys/login/verify' },
    run: async (ctx, post) => {
      const pending = await livePendingOf(ctx)
      await finishSignIn(doors, ctx, await proveWithPasskey(pages, ctx, post, pending.email))
    },
    // A refused passkey (another account's, or none that answered) is said above the link page's forms.
    rerender: (ctx, _post, problem) => (linkGone(problem) ? renderUpstreamProblem(doors, ctx, problem.error) : render(ctx, { ...problem, errors: { '': [problem.error.message] } })),
  })

  // Cancel: the person does not want the identity linked, so no later sign-in in this browser links it
  // (finish.ts spends a pending link it finds). The pending link itself lapses on its own.
  formPage(pages, {
    path: LINK_CANCEL_PATH,
    audience: anyone,
    budget: { none: 'forgets a cookie of this browser; no credential' },
    run: (ctx) => {
      pages.cookies.clear(ctx, PENDING_LINK)
      ctx.status = 303
      ctx.redirect(LOGIN_PATH)
    },
  })
}
