import type { ParameterizedContext } from 'koa'
import { HeimdallError } from '../../errors.js'
import { CSRF_FIELD } from './csrf.js'
import { fieldErrorsOf, formField } from './form.js'
import { fieldMessageOf, pageMessageOf } from './plain-words.js'
import { postedForm, type PageBudget, type Pages } from './pages.js'
import type { Translator } from '../../infra/i18n/catalogues.js'

/**
 * Who may see a page and post its forms: the visitor (a signed-in account, an enrolling user, the
 * OpenID interaction the browser is in, or anyone) and what its CSRF tokens are bound to. Returns
 * undefined after answering the request itself (typically a 303 to the sign-in page).
 */
export type Audience<A> = (ctx: ParameterizedContext) => Promise<Visitor<A> | undefined> | Visitor<A> | undefined

export interface Visitor<A> {
  actor: A
  /**
   * What the form's CSRF token is bound to (csrf.ts): '' for a page anyone may post, the session id
   * on account pages. null only where a forged post could change nothing (a logout without a session).
   */
  binding: string | null
}

/** A posted form, after its CSRF check. */
export interface FormPost<A> {
  actor: A
  /** What the visitor's CSRF tokens are bound to, for the forms the answer renders. */
  binding: string
  /** A posted field as one string: absent, repeated or non-string values read as "". */
  field(name: string): string
}

/**
 * A 4xx a form's action threw (a 5xx is never re-rendered: the error page says nothing of its cause).
 * `errors`: a validation failure's messages per declared field ("" for the rest), any other error's
 * message under "". `message`: the whole of it in one line, for a form with one field.
 */
export interface FormProblem {
  error: HeimdallError
  status: number
  errors: Record<string, string[]>
  message: string
}

/** A page: its path, who may see it, and what GET shows; then, for a page that takes a form, its POST. */
export type FormPageSpec<A> = {
  path: string
  /** Who may see and post it. */
  audience: Audience<A>
  /** GET: the page, for a visitor of the audience; `binding` is what its forms' CSRF tokens are bound to. */
  show?: (ctx: ParameterizedContext, actor: A, binding: string) => Promise<void> | void
} & (FormSpec<A> | { run?: undefined; budget?: undefined })

/** The POST of a form page. */
export interface FormSpec<A> {
  /** The POST's per-IP budget (pages.ts PageBudget). */
  budget: PageBudget
  /** The form's field names, so a validation failure's messages go next to their field. */
  fields?: readonly string[]
  /** Request names to form field names, where they differ (fieldErrorsOf). */
  fieldNames?: Record<string, string>
  /** POST, once the body is a form, the visitor is of the audience and the CSRF token matches. */
  run: (ctx: ParameterizedContext, post: FormPost<A>) => Promise<void> | void
  /** How a 4xx of `run` is shown (the page again, with the problem beside its form); none: the error page. May rethrow. */
  rerender?: (ctx: ParameterizedContext, post: FormPost<A>, problem: FormProblem) => Promise<void> | void
}

/** Anyone may see the page; its CSRF tokens are bound to the browser's cookie alone. */
export const anyone: Audience<undefined> = () => ({ actor: undefined, binding: '' })

/**
 * Declares a form page: GET shows it to its audience; POST takes a form (415 otherwise), checks the
 * visitor and the CSRF token (403 page), runs the action, and re-renders a 4xx it throws.
 */
export function formPage<A>(pages: Pages, spec: FormPageSpec<A>): void {
  const { show } = spec
  const get = show && (async (ctx: ParameterizedContext) => {
    const visitor = await spec.audience(ctx)
    if (visitor) await show(ctx, visitor.actor, visitor.binding ?? '')
  })
  if (spec.run === undefined) return pages.page(spec.path, { get })
  // Named once narrowed to a page with a form, so that the handlers below keep the narrowing.
  const form = spec
  pages.page(spec.path, {
    get,
    budget: form.budget,
    post: async (ctx) => {
      const posted = postedForm(ctx)
      const visitor = await spec.audience(ctx)
      if (!visitor) return
      if (visitor.binding !== null) pages.csrf.verify(ctx, formField(posted, CSRF_FIELD), visitor.binding)
      const post: FormPost<A> = { actor: visitor.actor, binding: visitor.binding ?? '', field: (name) => formField(posted, name) }
      try {
        await form.run(ctx, post)
      } catch (error) {
        if (!(error instanceof HeimdallError) || error.status >= 500 || !form.rerender) throw error
        await form.rerender(ctx, post, problemOf(pages.t(ctx), error, form.fields ?? [], form.fieldNames))
      }
    },
  })
}

/** A HeimdallError in the words of a form, in the page's language `t`: see FormProblem. */
export function problemOf(t: Translator, error: HeimdallError, fields: readonly string[], fieldNames?: Record<string, string>): FormProblem {
  const validation = error.code === 'validation.failed'
  return {
    error,
    status: error.status,
    errors: validation ? fieldErrorsOf(t, error, fields, fieldNames) : { '': [pageMessageOf(t, error)] },
    message: validation ? (error.details ?? []).map((detail) => fieldMessageOf(t, detail)).join(' ') : pageMessageOf(t, error),
  }
}
