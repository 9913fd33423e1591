import type { ParameterizedContext } from 'koa'
import type { AuthenticationResponseJSON } from '../../../../infra/mfa/webauthn.js'
import { loginWithPasskey } from '../../../../usecases/mfa/passkey-login.js'
import { parseInput } from '../../../parse-input.js'
import { PasskeyLoginRequest } from '../../../schemas.js'
import type { FormPost } from '../../form-page.js'
import type { Pages } from '../../pages.js'
import { passkeyAnswerOf } from '../passkey-answer.js'
import type { SignInOutcome } from './finish.js'
import type { SignInMethod } from './method.js'
import { PASSKEY_LOGIN_PATH } from './paths.js'
import { renderSignIn } from './views.js'

/**
 * Sign-in with a passkey alone (POST /account/login/passkey, from the sign-in page's button): the same
 * schema, use case and budget as POST /auth/passkeys/login/verify; a refusal is said on the sign-in page.
 */
export const passkeySignIn: SignInMethod = {
  path: PASSKEY_LOGIN_PATH,
  budget: { spends: '/auth/passkeys/login/verify' },
  prove: (pages, ctx, post) => proveWithPasskey(pages, ctx, post),
  async refused(doors, ctx, _post, problem) {
    await renderSignIn(doors, ctx, { errors: { '': [problem.error.message] }, status: problem.status })
  },
}

/**
 * The passkey proof of a form whose `response` field the passkey button filled (passkey-script.ts):
 * the schema and use case of POST /auth/passkeys/login/verify. With `accountEmail` (the link page,
 * link.ts), only a passkey of the account with that address counts (federation.link_other_account
 * otherwise, before any session). Throws what loginWithPasskey throws, and passkey.invalid_response.
 */
export async function proveWithPasskey(pages: Pages, ctx: ParameterizedContext, { field }: Pick<FormPost<unknown>, 'field'>, accountEmail?: string): Promise<SignInOutcome> {
  const { response } = parseInput(PasskeyLoginRequest, { response: passkeyAnswerOf(field('response')) })
  const tokens = await loginWithPasskey(pages.contextOf(ctx), { response: response as unknown as AuthenticationResponseJSON, ip: pages.ipOf(ctx), accountEmail })
  return { kind: 'tokens', tokens }
}
