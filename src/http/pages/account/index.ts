import type { Pages } from '../pages.js'
import { accountPage } from './account-page.js'
import { enrolPage } from './enrol-page.js'
import { registerPage } from './register-page.js'
import { PASSKEY_SCRIPT, PASSKEY_SCRIPT_PATH } from './passkey-script.js'
import { accountDoors } from './shared.js'
import { signInPages } from './sign-in/index.js'
import { ACCOUNT_TEMPLATES } from './templates.js'

/**
 * The account page (issue 16): hosted sign-in with the MFA step, then the user's sessions, password,
 * authenticator app, passkeys and recovery codes, on the shared page toolkit (../pages.ts). Every form
 * is a thin door over the same use cases as the API.
 */
export function accountPages(pages: Pages, router: { get(path: string, handler: (ctx: import('koa').ParameterizedContext) => void): unknown }): void {
  pages.engine.define(ACCOUNT_TEMPLATES)
  router.get(PASSKEY_SCRIPT_PATH, (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8'
    ctx.set('Cache-Control', 'public, max-age=3600')
    ctx.body = PASSKEY_SCRIPT
  })
  const doors = accountDoors(pages)
  signInPages(doors)
  accountPage(doors)
  enrolPage(doors)
  registerPage(doors)
}
