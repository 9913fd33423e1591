import type { ParameterizedContext } from 'koa'
import { anyone, formPage, type FormPost, type FormProblem } from '../../form-page.js'
import type { PageBudget, Pages } from '../../pages.js'
import type { AccountDoors } from '../shared.js'
import { finishSignIn, type SignInOutcome } from './finish.js'

/**
 * A sign-in method that takes a form on the sign-in pages (kratos' login strategy, logto's
 * verification route): where it posts, its per-IP budget (its API twin's), how it checks the proof,
 * and how a refusal is shown. An upstream identity provider, whose answer comes back by redirect
 * rather than as a form, ends in finishSignIn all the same.
 */
export interface SignInMethod {
  path: string
  budget: PageBudget
  /** The form's fields, so that a validation failure's messages go beside them. */
  fields?: readonly string[]
  /** Checks what was posted: the use case's outcome. Throws the use case's HeimdallError when refused. */
  prove(pages: Pages, ctx: ParameterizedContext, post: FormPost<undefined>): Promise<SignInOutcome>
  /** Shows a refusal (a 4xx): the sign-in page or the second step again, with why. */
  refused(doors: AccountDoors, ctx: ParameterizedContext, post: FormPost<undefined>, problem: FormProblem): Promise<void> | void
}

/** Registers a sign-in method: anyone may post it (CSRF-checked); a proof accepted ends in finishSignIn. */
export function signInMethod(doors: AccountDoors, method: SignInMethod): void {
  formPage(doors.pages, {
    path: method.path,
    audience: anyone,
    budget: method.budget,
    fields: method.fields,
    run: async (ctx, post) => finishSignIn(doors, ctx, await method.prove(doors.pages, ctx, post)),
    rerender: (ctx, post, problem) => method.refused(doors, ctx, post, problem),
  })
}
