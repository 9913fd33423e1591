import { login } from '../../../../usecases/sessions/login.js'
import { parseInput } from '../../../parse-input.js'
import { LoginRequest } from '../../../schemas.js'
import { LOGIN_PATH } from '../shared.js'
import type { SignInMethod } from './method.js'
import { renderSignIn } from './views.js'

/**
 * Sign-in with email and password (POST /account/login): the same schema, use case and per-IP budget
 * as POST /auth/login; a refusal is said on the sign-in page again, the email kept.
 */
export const passwordSignIn: SignInMethod = {
  path: LOGIN_PATH,
  budget: { spends: '/auth/login' },
  fields: ['email', 'password'],
  async prove(pages, ctx, { field }) {
    const input = parseInput(LoginRequest, { email: field('email'), password: field('password') })
    // lengthRule none: the page does not tell a guesser the policy, and every attempt counts toward the lockout.
    return login(pages.contextOf(ctx), { ...input, ip: pages.ipOf(ctx), lengthRule: 'none' })
  },
  async refused(doors, ctx, { field }, problem) {
    await renderSignIn(doors, ctx, { values: { email: field('email') }, errors: problem.errors, status: problem.status })
  },
}
