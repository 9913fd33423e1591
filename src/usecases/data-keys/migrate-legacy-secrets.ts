import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { resealSecrets } from './reseal-secrets.js'

/**
 * Start-up after an upgrade: seals under the data key what older releases sealed under the JWT secret,
 * so that changing that secret later locks nobody out. Idempotent and cheap when nothing is left (one
 * read of each table, no key needed). A value that does not open (the secret changed before the
 * upgrade), or all of them when no data key is configured, is logged and left alone: the server still
 * starts, and `doctor` reports it. Audited as
 * data_key.migrated when anything was sealed again.
 */
export async function migrateLegacySecrets(ctx: Context): Promise<void> {
  const secrets = await ctx.mfa.findSealedTotpSecrets()
  const keys = await ctx.signingKeys.list()
  const legacy = (sealed: string | null) => sealed !== null && ctx.secretBox.sealedUnder(sealed) === 'legacy'
  if (!secrets.some((row) => legacy(row.secret_encrypted)) && !keys.some((row) => legacy(row.private_key_encrypted))) return

  let report
  try {
    report = await resealSecrets(ctx, { which: 'legacy' })
  } catch (error) {
    // No data key yet (MySQL without HEIMDALL_DATA_KEY_FILE): the old values still open as before.
    if (!(error instanceof HeimdallError && error.code === 'config.invalid')) throw error
    ctx.logger.error(`secrets sealed under the JWT secret by an older release stay so until the data keys are configured: ${error.message}`)
    return
  }
  if (Object.values(report.resealed).some((count) => count > 0)) {
    await ctx.audit.insertAuditEvent({ type: 'data_key.migrated', detail: { key_id: report.keyId, resealed: report.resealed } })
    ctx.logger.info({ data_key: report.keyId, resealed: report.resealed }, 'secrets sealed under the JWT secret by an older release are now sealed under the data key')
  }
  if (report.unreadable.length > 0) {
    ctx.logger.error({ unreadable: report.unreadable }, `${report.unreadable.length} secret(s) sealed under the JWT secret by an older release do not open: ${report.firstProblem}`)
  }
}
