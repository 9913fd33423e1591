import { login } from '../../../../usecases/sessions/login.js'
import { parseInput } from '../../../parse-input.js'
import { LoginRequest } from '../../../schemas.js'
import { anyone, formPage } from '../../form-page.js'
import { LOGIN_PATH, type AccountDoors } from '../shared.js'
import { finishSignIn } from './finish.js'
import { LOGIN_FIELDS, renderSignIn } from './views.js'

/**
 * Sign-in with email and password (POST /account/login): the same schema, use case and per-IP budget
 * as POST /auth/login; a refusal is said on the sign-in page again, the email kept.
 */
export function passwordSignIn(doors: AccountDoors): void {
  const { pages } = doors
  formPage(pages, {
    path: LOGIN_PATH,
    audience: anyone,
    budget: { spends: '/auth/login' },
    fields: LOGIN_FIELDS.map((field) => field.name),
    run: async (ctx, { field }) => {
      const input = parseInput(LoginRequest, { email: field('email'), password: field('password') })
      await finishSignIn(doors, ctx, await login(pages.contextOf(ctx), { ...input, ip: pages.ipOf(ctx) }))
    },
    rerender: (ctx, { field }, problem) => renderSignIn(doors, ctx, { values: { email: field('email') }, errors: problem.errors, status: problem.status }),
  })
}
