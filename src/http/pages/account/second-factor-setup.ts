import type { Translator } from '../../../infra/i18n/catalogues.js'
import { errorMessageOf } from '../pages.js'
import type { ParameterizedContext } from 'koa'
import type { RegistrationResponseJSON } from '../../../infra/mfa/webauthn.js'
import { finishPasskeyRegistration } from '../../../usecases/mfa/passkey-registration.js'
import type { Principal } from '../../../usecases/mfa/principal.js'
import { confirmTotp } from '../../../usecases/mfa/totp.js'
import { parseInput } from '../../parse-input.js'
import { PasskeyRegisterRequest, TotpConfirmRequest } from '../../schemas.js'
import type { FormPost, FormProblem } from '../form-page.js'
import type { Pages } from '../pages.js'
import { passkeyAnswerOf } from './passkey-answer.js'

// The forms that add a second factor, on the account page and on the enrolment-only page alike: the
// same schemas as the API's TOTP confirmation and passkey registration, the same use cases.

/** Confirms a pending TOTP setup with the posted `code`; the new recovery codes. Throws what confirmTotp throws, or validation.failed. */
export async function confirmTotpForm(pages: Pages, ctx: ParameterizedContext, post: FormPost<Principal>): Promise<string[]> {
  const { code } = parseInput(TotpConfirmRequest, { code: post.field('code') })
  const { recoveryCodes } = await confirmTotp(pages.contextOf(ctx), post.actor, { code, ip: pages.ipOf(ctx) })
  return recoveryCodes
}

/** What a refused TOTP confirmation says beside the code field: a malformed code in words, anything else as it is. */
export function totpConfirmError(t: Translator, problem: FormProblem): string {
  return problem.error.code === 'validation.failed' ? t('totp.code_format') : errorMessageOf(t, problem.error)
}

/** Registers the passkey a passkey button posted (`response`, and its `name`). Throws passkey.invalid_response, validation.failed. */
export async function registerPasskeyForm(pages: Pages, ctx: ParameterizedContext, post: FormPost<Principal>): Promise<void> {
  const input = parseInput(PasskeyRegisterRequest, { response: passkeyAnswerOf(post.field('response')), name: post.field('name') || undefined })
  await finishPasskeyRegistration(pages.contextOf(ctx), post.actor, { response: input.response as unknown as RegistrationResponseJSON, name: input.name, ip: pages.ipOf(ctx) })
}
