import type { Context } from '../../context.js'
import { amrForSecondStep, type PasskeyUse, type SecondFactor } from '../../domain/amr.js'
import { HeimdallError } from '../../errors.js'
import type { UserRow } from '../../infra/db/tables.js'
import { challengeHash } from '../../infra/mfa/challenge-token.js'
import { recoveryCodeHash } from '../../infra/mfa/recovery-codes.js'
import { verifyTotp } from '../../infra/mfa/totp.js'
import type { AuthenticationResponseJSON } from '../../infra/mfa/webauthn.js'
import { clearLoginAttempts, countFailedAttempt, takeLoginAttempt } from '../throttling/lockout.js'
import { openSession, type SessionTokens } from '../sessions/session-tokens.js'
import { verifyPasskeyAssertion } from './passkey-assertion.js'
import { firstFactorOf, MFA_LOGIN_PURPOSES } from './second-step.js'
import { totpAssociatedData } from './totp.js'

/** Exactly one of code, recoveryCode and passkeyResponse (the door's schema makes sure). */
export interface MfaLoginInput {
  mfaToken: string
  code?: string
  recoveryCode?: string
  passkeyResponse?: AuthenticationResponseJSON
  ip?: string
}

/**
 * The second step of a login (POST /auth/login/mfa): the mfa_token from the password step plus a TOTP
 * code, a recovery code or a passkey assertion over a challenge asked for with this mfa_token opens
 * the session (amr pwd + otp|hwk|swk + mfa; fed instead of pwd after another identity provider).
 * Every attempt takes a unit of the account's lockout budget first, as a password guess does, so
 * parallel guesses cannot exceed it; a success gives it back and spends the mfa_token.
 * Throws mfa.invalid_token (unknown, spent or expired token), auth.locked, mfa.invalid_code,
 * auth.account_disabled.
 */
export async function completeMfaLogin(ctx: Context, input: MfaLoginInput): Promise<SessionTokens> {
  const tokenHash = challengeHash(input.mfaToken)
  const challenge = await ctx.mfa.findLiveChallenge(tokenHash, MFA_LOGIN_PURPOSES, ctx.clock.now())
  const user = challenge?.user_id ? await ctx.users.findUserById(challenge.user_id) : undefined
  if (!challenge || !user) throw invalidToken()
  if (user.disabled) throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  await takeLoginAttempt(ctx, user.email, user.id, input.ip)

  const factor: SecondFactor = input.passkeyResponse ? 'passkey' : input.recoveryCode !== undefined ? 'recovery_code' : 'totp'
  const proof = await verifySecondFactor(ctx, user, factor, input, tokenHash)
  if (!proof) {
    await countFailedAttempt(ctx, user.email)
    await ctx.audit.insertAuditEvent({ type: 'mfa.failed', userId: user.id, detail: { method: factor, ip: input.ip } })
    throw new HeimdallError('mfa.invalid_code', factor === 'passkey' ? 'The passkey assertion was refused' : 'The code is wrong, expired or already used')
  }
  if (!(await ctx.mfa.spendChallenge(tokenHash, challenge.purpose, ctx.clock.now()))) throw invalidToken()
  await clearLoginAttempts(ctx, user.email)
  if (factor === 'recovery_code') await ctx.audit.insertAuditEvent({ type: 'mfa.recovery_code.used', userId: user.id, detail: { ip: input.ip } })
  return openSession(ctx, user, {
    amr: amrForSecondStep(factor, proof.passkey, firstFactorOf(challenge.purpose)),
    event: 'login.succeeded',
    detail: { method: factor, ip: input.ip },
  })
}

/** Answers a proof when the factor checks out and was spent (a code's step, a recovery code, a counter). */
async function verifySecondFactor(ctx: Context, user: UserRow, factor: SecondFactor, input: MfaLoginInput, mfaTokenHash: string): Promise<{ passkey?: PasskeyUse } | undefined> {
  const now = ctx.clock.now()
  if (factor === 'passkey') {
    const assertion = await verifyPasskeyAssertion(ctx, input.passkeyResponse!, { userId: user.id, ip: input.ip, mfaTokenHash })
    return assertion ? { passkey: assertion } : undefined
  }
  if (factor === 'recovery_code') {
    return (await ctx.mfa.updateRecoveryCodeUsed(user.id, recoveryCodeHash(input.recoveryCode!), now)) ? {} : undefined
  }
  const row = await ctx.mfa.findTotpByUserId(user.id)
  if (!row || row.confirmed_at === null) return undefined
  const secret = await ctx.secretBox.open(row.secret_encrypted, totpAssociatedData(user.id))
  const step = await verifyTotp(secret, input.code!, now, row.last_used_step === null ? null : Number(row.last_used_step))
  return step !== null && (await ctx.mfa.updateTotpUsedStep(user.id, step, now, false)) ? {} : undefined
}

function invalidToken(): HeimdallError {
  return new HeimdallError('mfa.invalid_token', 'The mfa_token is invalid, used or expired: log in with the password again')
}
