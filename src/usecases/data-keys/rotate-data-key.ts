import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { resealSecrets, type ResealReport } from './reseal-secrets.js'

export interface RotatedDataKey extends ResealReport {
  /** Whether a new key was generated (into the data key file) before sealing. */
  generated: boolean
  /** Where the keys come from: HEIMDALL_DATA_KEYS or the file's path. */
  source: string
}

/**
 * Rotates the key that seals secrets at rest: puts a new key first in the data key file (unless
 * `reencryptOnly`, e.g. when the keys come from HEIMDALL_DATA_KEYS and the operator put the new one
 * first there), then seals every stored secret under the current key. Older keys stay in the ring so
 * that other instances' values keep opening; remove them once rotation reports nothing left under
 * them (docs/security.md). Audited as data_key.rotated. Throws config.invalid, after sealing all it
 * could, when some value opens under no configured key, and as DataKeyring.addCurrentKey does.
 */
export async function rotateDataKey(ctx: Context, input: { reencryptOnly: boolean }): Promise<RotatedDataKey> {
  const generated = !input.reencryptOnly
  if (generated) ctx.dataKeys.addCurrentKey()
  const report = await resealSecrets(ctx, { which: 'not_current' })
  await ctx.audit.insertAuditEvent({
    type: 'data_key.rotated',
    detail: { key_id: report.keyId, generated, resealed: report.resealed, unreadable: report.unreadable.length },
  })
  if (report.unreadable.length > 0) {
    throw new HeimdallError(
      'config.invalid',
      `${report.unreadable.length} stored secret(s) did not open and stay as they were (${report.unreadable.map((value) => `${value.kind} ${value.owner}`).join(', ')}): ${report.firstProblem}`,
    )
  }
  return { ...report, generated, source: ctx.dataKeys.source() }
}
