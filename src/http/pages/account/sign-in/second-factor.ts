import type { AuthenticationResponseJSON } from '../../../../infra/mfa/webauthn.js'
import { completeMfaLogin } from '../../../../usecases/mfa/complete-mfa-login.js'
import type { MfaRequired } from '../../../../usecases/mfa/second-step.js'
import { parseInput } from '../../../parse-input.js'
import { MfaLoginRequest } from '../../../schemas.js'
import { passkeyAnswerOf } from '../passkey-answer.js'
import type { SignInMethod } from './method.js'
import { MFA_PATH } from './paths.js'
import { renderSecondStep, renderSignIn } from './views.js'

/**
 * The second step of a sign-in (POST /account/login/mfa): the step's token and one factor (a code, a
 * recovery code or a passkey), with the same schema, use case and budget as POST /auth/login/mfa. A
 * refusal shows the step again; a spent or expired step goes back to the sign-in page.
 */
export const secondFactorSignIn: SignInMethod = {
  path: MFA_PATH,
  budget: { spends: '/auth/login/mfa' },
  async prove(pages, ctx, { field }) {
    const passkeyResponse = field('passkey_response')
    // The same schema as POST /auth/login/mfa: one factor, a 6-digit code, a well-formed credential.
    const input = parseInput(MfaLoginRequest, {
      mfa_token: field('mfa_token'),
      code: field('code') || undefined,
      recovery_code: field('recovery_code') || undefined,
      passkey_response: passkeyResponse ? passkeyAnswerOf(passkeyResponse) : undefined,
    })
    const tokens = await completeMfaLogin(pages.contextOf(ctx), {
      mfaToken: input.mfa_token,
      code: input.code,
      recoveryCode: input.recovery_code,
      passkeyResponse: input.passkey_response as AuthenticationResponseJSON | undefined,
      ip: pages.ipOf(ctx),
    })
    return { kind: 'tokens', tokens }
  },
  async refused(doors, ctx, { field }, problem) {
    if (problem.error.code === 'mfa.invalid_token') return renderSignIn(doors, ctx, { notice: doors.pages.t(ctx)('mfa.expired'), status: 401 })
    const step = { mfaToken: field('mfa_token'), methods: field('methods').split(',').filter(isMethod) }
    renderSecondStep(doors, ctx, step, problem.message || doors.pages.t(ctx)('mfa.enter_code'), problem.status)
  },
}

const METHODS = new Set(['passkey', 'totp', 'recovery_code'])
function isMethod(method: string): method is MfaRequired['methods'][number] {
  return METHODS.has(method)
}
