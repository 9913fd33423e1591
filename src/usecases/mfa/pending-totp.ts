import type { Context } from '../../context.js'
import { totpQrSvg, totpUri } from '../../infra/mfa/totp.js'
import type { Principal } from './principal.js'
import { totpAssociatedData, type TotpSetup } from './totp.js'

/**
 * The TOTP enrolment this user started and has not confirmed yet (setupTotp), drawn again: after a
 * wrong code the page keeps the QR code and key instead of sending the person back to type the password
 * again (issue 27). Only to the same signed-in or enrolling user who started it (their password was
 * checked then); undefined when nothing is pending (never started, confirmed, or removed).
 */
export async function getPendingTotpSetup(ctx: Context, principal: Principal): Promise<TotpSetup | undefined> {
  const row = await ctx.mfa.findTotpByUserId(principal.userId)
  if (!row || row.confirmed_at !== null) return undefined
  const secret = await ctx.secretBox.open(row.secret_encrypted, totpAssociatedData(principal.userId))
  const otpauthUri = totpUri(secret, ctx.config.jwtIssuer, principal.email)
  return { secret, otpauthUri, qrSvg: await totpQrSvg(otpauthUri) }
}
