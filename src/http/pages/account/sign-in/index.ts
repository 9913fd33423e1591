import type { Translator } from '../../../../infra/i18n/catalogues.js'
import type { Context } from '../../../../context.js'
import { HeimdallError } from '../../../../errors.js'
import { getClient } from '../../../../usecases/oidc/list-clients.js'
import { takeReturnTo } from '../return-to.js'
import { ACCOUNT_PATH, LOGIN_PATH, type AccountDoors } from '../shared.js'
import { signInMethod } from './method.js'
import { logoutPage } from './logout.js'
import { passkeySignIn } from './passkey.js'
import { passwordSignIn } from './password.js'
import { secondFactorSignIn } from './second-factor.js'
import { linkPage } from './link.js'
import { upstreamSignIn } from './upstream.js'
import { renderSignIn } from './views.js'

/**
 * Hosted sign-in for the account page and the OpenID Connect interaction: the sign-in page, then one
 * file per method (password, the second factor, a passkey alone, another identity provider and its link page), each a SignInMethod that ends in
 * finishSignIn (finish.ts); and the logout. A new method is one file and one entry in the list below.
 */
export function signInPages(doors: AccountDoors): void {
  const { pages } = doors
  pages.page(LOGIN_PATH, {
    get: async (ctx) => {
      // prompt=login: an application asks for a new authentication (the OpenID Connect sign-in step
      // sends it), so a signed-in browser gets the form too, with the reason.
      const again = ctx.query.prompt === 'login'
      if (!again && (await doors.accountOf(ctx))) return ctx.redirect(takeReturnTo(pages.cookies, ctx) ?? ACCOUNT_PATH)
      const t = pages.t(ctx)
      const notice = again ? await signInAgainNotice(t, pages.contextOf(ctx), ctx.query.client_id) : ctx.query.signed_out === '1' ? t('login.signed_out') : undefined
      await renderSignIn(doors, ctx, { notice })
    },
  })
  for (const method of [passwordSignIn, secondFactorSignIn, passkeySignIn]) signInMethod(doors, method)
  // Before upstreamSignIn: /account/sign-in/link is the link page, not a provider named "link".
  linkPage(doors)
  upstreamSignIn(doors)
  logoutPage(doors)
}

/** Why the sign-in page is shown to a signed-in browser: the name of the application asking, when it is a registered client. */
async function signInAgainNotice(t: Translator, context: Context, clientId: unknown): Promise<string> {
  if (typeof clientId !== 'string' || clientId === '') return t('login.again')
  try {
    return t('login.again_to', { name: (await getClient(context, { clientId })).name })
  } catch (error) {
    if (error instanceof HeimdallError && error.code === 'client.not_found') return t('login.again')
    throw error
  }
}
