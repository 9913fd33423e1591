import type { Context } from '../../context.js'
import type { SecondFactor } from '../../domain/amr.js'
import type { TotpRow } from '../../infra/db/tables.js'

export interface EnrolledFactors {
  /** The confirmed TOTP secret's row; undefined when none (a pending one does not count). */
  totp: TotpRow | undefined
  passkeys: number
  recoveryCodesLeft: number
}

/** What second factors a user has now. */
export async function findEnrolledFactors(ctx: Context, userId: string): Promise<EnrolledFactors> {
  const [totp, passkeys, codes] = await Promise.all([
    ctx.mfa.findTotpByUserId(userId),
    ctx.passkeys.countPasskeysByUserId(userId),
    ctx.mfa.findRecoveryCodesByUserId(userId),
  ])
  return { totp: totp?.confirmed_at == null ? undefined : totp, passkeys, recoveryCodesLeft: codes.filter((code) => code.used_at === null).length }
}

/** A recovery code alone is no second factor: it is the way back when the factor is lost. */
export function hasSecondFactor(factors: EnrolledFactors): boolean {
  return factors.totp !== undefined || factors.passkeys > 0
}

/** The methods the second step of a login accepts for this user, in the order clients should offer them. */
export function secondFactorMethods(factors: EnrolledFactors): SecondFactor[] {
  const methods: SecondFactor[] = []
  if (factors.passkeys > 0) methods.push('passkey')
  if (factors.totp) methods.push('totp')
  if (factors.recoveryCodesLeft > 0) methods.push('recovery_code')
  return methods
}

/** Once the last factor is gone, its recovery codes go too: they would be a second factor of nothing. */
export async function dropRecoveryCodesIfNoFactorLeft(ctx: Context, userId: string): Promise<void> {
  if (!hasSecondFactor(await findEnrolledFactors(ctx, userId))) await ctx.mfa.deleteRecoveryCodesByUserId(userId)
}
