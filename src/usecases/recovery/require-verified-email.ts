import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'

/**
 * With HEIMDALL_REQUIRE_VERIFIED_EMAIL, a login (password or passkey) of an account whose address is
 * not verified is refused with 403 auth.email_not_verified, and audited. Call it only once the user
 * has proven who they are, so that it tells nobody else whether an address is verified.
 */
export async function requireVerifiedEmail(ctx: Context, user: { id: string; email_verified_at: number | null }, detail: Record<string, unknown>): Promise<void> {
  if (!ctx.config.requireVerifiedEmail || user.email_verified_at !== null) return
  await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'email_not_verified', ...detail } })
  throw new HeimdallError('auth.email_not_verified', 'Email address is not verified')
}
