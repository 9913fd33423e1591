import type { AuthenticationResponseJSON } from '../../../../infra/mfa/webauthn.js'
import { loginWithPasskey } from '../../../../usecases/mfa/passkey-login.js'
import { parseInput } from '../../../parse-input.js'
import { PasskeyLoginRequest } from '../../../schemas.js'
import { passkeyAnswerOf } from '../passkey-answer.js'
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
  async prove(pages, ctx, { field }) {
    const { response } = parseInput(PasskeyLoginRequest, { response: passkeyAnswerOf(field('response')) })
    const tokens = await loginWithPasskey(pages.contextOf(ctx), { response: response as unknown as AuthenticationResponseJSON, ip: pages.ipOf(ctx) })
    return { kind: 'tokens', tokens }
  },
  async refused(doors, ctx, _post, problem) {
    await renderSignIn(doors, ctx, { errors: { '': [problem.error.message] }, status: problem.status })
  },
}
