import type { Context } from '../../context.js'
import { findUserByEmailOrFail } from '../find-user.js'

/** Times are ISO 8601 (UTC), null when it never happened. */
export interface MfaStatus {
  email: string
  totp: { state: 'none' | 'pending' | 'enabled'; enrolled_at: string | null; last_used_at: string | null }
  recovery_codes: { total: number; remaining: number; generated_at: string | null; last_used_at: string | null }
  passkeys: Array<{ id: string; name: string; created_at: string; last_used_at: string | null; backed_up: boolean }>
}

/** A user's second factors, when they were enrolled and last used (user:mfa, and the account page). */
export async function getMfaStatus(ctx: Context, input: { email: string } | { userId: string }): Promise<MfaStatus> {
  const user = 'email' in input ? await findUserByEmailOrFail(ctx, input.email) : await ctx.users.findUserById(input.userId)
  if (!user) throw new Error('getMfaStatus: unknown user id')
  const [totp, codes, passkeys] = await Promise.all([
    ctx.mfa.findTotpByUserId(user.id),
    ctx.mfa.findRecoveryCodesByUserId(user.id),
    ctx.passkeys.findPasskeysByUserId(user.id),
  ])
  const usedTimes = codes.map((code) => code.used_at).filter((at): at is number => at !== null).map(Number)
  return {
    email: user.email,
    totp: {
      state: !totp ? 'none' : totp.confirmed_at === null ? 'pending' : 'enabled',
      enrolled_at: iso(totp?.confirmed_at),
      last_used_at: totp?.confirmed_at == null ? null : iso(totp.last_used_at),
    },
    recovery_codes: {
      total: codes.length,
      remaining: codes.filter((code) => code.used_at === null).length,
      generated_at: iso(codes[0]?.created_at),
      last_used_at: usedTimes.length === 0 ? null : iso(Math.max(...usedTimes)),
    },
    passkeys: passkeys.map((row) => ({
      id: row.id,
      name: row.name,
      created_at: iso(row.created_at)!,
      last_used_at: iso(row.last_used_at),
      backed_up: Boolean(row.backed_up),
    })),
  }
}

function iso(at: number | null | undefined): string | null {
  return at === null || at === undefined ? null : new Date(Number(at)).toISOString()
}
