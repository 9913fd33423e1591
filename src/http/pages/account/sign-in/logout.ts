import { revokeSession } from '../../../../usecases/sessions/revoke-session.js'
import type { AccountSession } from '../../../../usecases/sessions/account-session.js'
import { formPage, type Audience } from '../../form-page.js'
import { ACCOUNT } from '../cookie.js'
import { LOGIN_PATH, type AccountDoors } from '../shared.js'
import { LOGOUT_PATH, SIGNED_OUT } from './paths.js'

/**
 * POST /account/logout: ends the session the account cookie names (its form's CSRF token bound to
 * it), forgets the cookie, and goes to the sign-in page. Without a live session there is nothing a
 * forged post could end: the cookie is forgotten all the same. The sign-in page then says the person is signed out.
 */
export function logoutPage(doors: AccountDoors): void {
  const { pages } = doors
  const maybeSignedIn: Audience<AccountSession | undefined> = async (ctx) => {
    const account = await doors.accountOf(ctx)
    return { actor: account, binding: account ? account.sessionId : null }
  }
  formPage(pages, {
    path: LOGOUT_PATH,
    audience: maybeSignedIn,
    budget: { none: 'ends the session its cookie names; no credential' },
    run: async (ctx, { actor: account }) => {
      if (account) await revokeSession(pages.contextOf(ctx), { sessionId: account.sessionId, reason: 'logout' })
      pages.cookies.clear(ctx, ACCOUNT)
      ctx.status = 303
      // The sign-in page says so: a person who pressed "Sign out" sees that it worked (issue 27).
      ctx.redirect(`${LOGIN_PATH}?${SIGNED_OUT}`)
    },
  })
}
