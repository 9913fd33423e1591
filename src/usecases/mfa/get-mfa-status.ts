import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { findUserByEmailOrFail } from '../users/find-user.js'
import { mayEnrolFactors } from './enrolment-policy.js'

/** Times are epoch milliseconds, null when it never happened; each door formats them. */
export interface MfaStatus {
  email: string
  totp: { state: 'none' | 'pending' | 'enabled'; enrolledAt: number | null; lastUsedAt: number | null }
  recoveryCodes: { total: number; remaining: number; generatedAt: number | null; lastUsedAt: number | null }
  passkeys: Array<{ id: string; name: string; createdAt: number; lastUsedAt: number | null; backedUp: boolean }>
  /** Whether a factor may be added now (enrolment-policy.ts): false until a self-registered address is proven. */
  enrolmentAllowed: boolean
}

/** A user's second factors, when they were enrolled and last used (user:mfa, and the account page). */
export async function getMfaStatus(ctx: Context, input: { email: string } | { userId: string }): Promise<MfaStatus> {
  const user = 'email' in input ? await findUserByEmailOrFail(ctx, input.email) : await ctx.users.findUserById(input.userId)
  if (!user) throw new HeimdallError('user.not_found', 'No such user')
  const [totp, codes, passkeys] = await Promise.all([
    ctx.mfa.findTotpByUserId(user.id),
    ctx.mfa.findRecoveryCodesByUserId(user.id),
    ctx.passkeys.findPasskeysByUserId(user.id),
  ])
  const usedTimes = codes.map((code) => code.used_at).filter((at): at is number => at !== null).map(Number)
  const confirmed = totp?.confirmed_at != null
  return {
    email: user.email,
    enrolmentAllowed: mayEnrolFactors(user),
    totp: {
      state: !totp ? 'none' : confirmed ? 'enabled' : 'pending',
      enrolledAt: epoch(totp?.confirmed_at),
      lastUsedAt: confirmed ? epoch(totp.last_used_at) : null,
    },
    recoveryCodes: {
      total: codes.length,
      remaining: codes.filter((code) => code.used_at === null).length,
      generatedAt: epoch(codes[0]?.created_at),
      lastUsedAt: usedTimes.length === 0 ? null : Math.max(...usedTimes),
    },
    passkeys: passkeys.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: Number(row.created_at),
      lastUsedAt: epoch(row.last_used_at),
      backedUp: Boolean(row.backed_up),
    })),
  }
}

/** BIGINT columns come back as strings from mysql2. */
function epoch(at: number | string | null | undefined): number | null {
  return at === null || at === undefined ? null : Number(at)
}
