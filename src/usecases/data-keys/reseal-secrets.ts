import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { listStoredSecrets, type StoredSecret } from './stored-secrets.js'

export interface ResealReport {
  /** The data key everything was sealed under. */
  keyId: string
  /** Values sealed again, by kind. */
  resealed: Record<StoredSecret['kind'], number>
  /** Values that did not open (their owners: user ids, kids, provider names), left as they were, and why the first failed. */
  unreadable: Array<{ kind: StoredSecret['kind']; owner: string }>
  firstProblem?: string
}

/**
 * Seals stored secrets again under the current data key: `legacy` only those sealed under the JWT
 * secret by older releases (start-up, so that an upgrade loses no seed), `not_current` every value
 * under another key too (rotation). Each value is replaced only if its row did not change meanwhile,
 * so a TOTP setup racing this keeps its own. A value that does not open is left alone and reported.
 */
export async function resealSecrets(ctx: Context, input: { which: 'legacy' | 'not_current' }): Promise<ResealReport> {
  const keyId = ctx.secretBox.currentKeyId()
  const report: ResealReport = { keyId, resealed: { totp_secret: 0, signing_key: 0, idp_client_secret: 0, ssf_push_authorization: 0 }, unreadable: [] }
  for (const secret of await listStoredSecrets(ctx)) {
    const under = ctx.secretBox.sealedUnder(secret.sealed)
    if (under === keyId || (input.which === 'legacy' && under !== 'legacy')) continue
    let plaintext: Buffer
    try {
      plaintext = await ctx.secretBox.openBytes(secret.sealed, secret.associatedData)
    } catch (error) {
      if (!(error instanceof HeimdallError)) throw error
      report.unreadable.push({ kind: secret.kind, owner: secret.owner })
      report.firstProblem ??= error.message
      continue
    }
    try {
      if (await secret.replace(await ctx.secretBox.seal(plaintext, secret.associatedData))) report.resealed[secret.kind] += 1
    } finally {
      plaintext.fill(0)
    }
  }
  return report
}
