import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { HeimdallError } from '../../errors.js'
import { generateRecoveryCodes, recoveryCodeHash } from '../../infra/mfa/recovery-codes.js'
import { generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from '../../infra/mfa/totp.js'
import { confirmPassword } from './confirm-password.js'
import { requireEnrolmentAllowed } from './enrolment-policy.js'
import { dropRecoveryCodesIfNoFactorLeft } from './factors.js'
import type { Principal } from './principal.js'

export interface TotpSetup {
  /** Base32, for typing into an authenticator app. */
  secret: string
  /** otpauth://totp/... (Key Uri Format), the content of the QR code. */
  otpauthUri: string
  /** The QR code of otpauthUri as an SVG document. */
  qrSvg: string
}

/** What binds a sealed TOTP secret to its user: a row copied to another user fails to open. */
export function totpAssociatedData(userId: string): string {
  return `totp.${userId}`
}

/**
 * Starts TOTP enrolment (RFC 6238): a new secret, sealed at rest, pending until confirmTotp proves
 * the user's app has it. A pending secret is replaced; a confirmed one must be disabled first
 * (mfa.already_enrolled). Requires the password (auth.invalid_credentials, auth.locked) and a proven
 * address or an operator-created account (auth.email_not_verified: enrolment-policy.ts).
 */
export async function setupTotp(ctx: Context, principal: Principal, input: { password: string; ip?: string }): Promise<TotpSetup> {
  const user = await requireEnrolmentAllowed(ctx, await confirmPassword(ctx, principal, input.password, input.ip))
  const secret = generateTotpSecret()
  const sealed = await ctx.secretBox.seal(secret, totpAssociatedData(user.id))
  if (!(await ctx.mfa.upsertPendingTotp(user.id, sealed, ctx.clock.now()))) {
    throw new HeimdallError('mfa.already_enrolled', 'TOTP is already enabled: disable it first to set up a new secret')
  }
  const otpauthUri = totpUri(secret, ctx.config.jwtIssuer, user.email)
  const qrSvg = await totpQrSvg(otpauthUri)
  await ctx.audit.insertAuditEvent({ type: 'mfa.totp.setup_started', userId: user.id, sessionId: principal.sessionId, detail: { ip: input.ip } })
  return { secret, otpauthUri, qrSvg }
}

/**
 * Confirms the pending secret with a code from the app (one step either side of now), and answers
 * fresh recovery codes, shown this once (any earlier ones are replaced). The code's step counts as
 * used: it cannot also log in. Throws auth.email_not_verified (enrolment-policy.ts), mfa.not_enrolled
 * without a pending secret, mfa.invalid_code.
 */
export async function confirmTotp(ctx: Context, principal: Principal, input: { code: string; ip?: string }): Promise<{ recoveryCodes: string[] }> {
  await requireEnrolmentAllowed(ctx, principal.userId)
  const row = await ctx.mfa.findTotpByUserId(principal.userId)
  if (!row) throw new HeimdallError('mfa.not_enrolled', 'There is no TOTP secret to confirm: call /auth/mfa/totp/setup first')
  if (row.confirmed_at !== null) throw new HeimdallError('mfa.already_enrolled', 'TOTP is already enabled')
  const secret = await ctx.secretBox.open(row.secret_encrypted, totpAssociatedData(principal.userId))
  const now = ctx.clock.now()
  const step = await verifyTotp(secret, input.code, now, row.last_used_step === null ? null : Number(row.last_used_step))
  if (step === null || !(await ctx.mfa.updateTotpUsedStep(principal.userId, step, now, true))) {
    await ctx.audit.insertAuditEvent({ type: 'mfa.totp.confirm_failed', userId: principal.userId, sessionId: principal.sessionId, detail: { ip: input.ip } })
    throw new HeimdallError('mfa.invalid_code', 'The code is wrong or expired: enter the current code from the authenticator app')
  }
  const recoveryCodes = generateRecoveryCodes()
  await ctx.transaction(async (tx) => {
    await tx.mfa.replaceRecoveryCodes(principal.userId, recoveryCodes.map(recoveryCodeHash), now)
    const emits = event('mfa.enrolled', { user_id: principal.userId, method: 'totp' })
    await tx.audit.insertAuditEvent({ type: 'mfa.totp.enrolled', userId: principal.userId, sessionId: principal.sessionId, detail: { ip: input.ip }, emits, actor: `user:${principal.userId}` }, now)
  })
  return { recoveryCodes }
}

/** Removes TOTP (pending or confirmed); requires the password. Throws mfa.not_enrolled when there is none. */
export async function disableTotp(ctx: Context, principal: Principal, input: { password: string; ip?: string }): Promise<void> {
  const user = await confirmPassword(ctx, principal, input.password, input.ip)
  await ctx.transaction(async (tx) => {
    if (!(await tx.mfa.deleteTotpByUserId(user.id))) throw new HeimdallError('mfa.not_enrolled', 'TOTP is not enabled')
    const emits = event('mfa.removed', { user_id: user.id, method: 'totp', by: 'self' })
    await tx.audit.insertAuditEvent({ type: 'mfa.totp.disabled', userId: user.id, sessionId: principal.sessionId, detail: { ip: input.ip }, emits, actor: `user:${user.id}` })
  })
  await dropRecoveryCodesIfNoFactorLeft(ctx, user.id)
}
