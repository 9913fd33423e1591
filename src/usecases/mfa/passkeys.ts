import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { HeimdallError } from '../../errors.js'
import { dropRecoveryCodesIfNoFactorLeft } from './factors.js'
import type { PasskeySummary } from './passkey-registration.js'
import type { Principal } from './principal.js'

/** The caller's passkeys, oldest first. */
export async function listPasskeys(ctx: Context, principal: Principal): Promise<PasskeySummary[]> {
  const rows = await ctx.passkeys.findPasskeysByUserId(principal.userId)
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    backedUp: Boolean(row.backed_up),
  }))
}

/** Removes one of the caller's passkeys; passkey.not_found when it is not theirs (or not at all). */
export async function deletePasskey(ctx: Context, principal: Principal, input: { id: string; ip?: string }): Promise<void> {
  await ctx.transaction(async (tx) => {
    if (!(await tx.passkeys.deletePasskeyByIdAndUserId(input.id, principal.userId))) throw new HeimdallError('passkey.not_found', 'No such passkey')
    const emits = event('passkey.removed', { user_id: principal.userId, passkey_id: input.id })
    await tx.audit.insertAuditEvent({ type: 'passkey.deleted', userId: principal.userId, sessionId: principal.sessionId, detail: { passkey_id: input.id, ip: input.ip }, emits, actor: `user:${principal.userId}` })
  })
  await dropRecoveryCodesIfNoFactorLeft(ctx, principal.userId)
}
