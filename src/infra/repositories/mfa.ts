import type { Knex } from 'knex'
import { transactionRetryingLockConflicts } from '../db/lock-conflict.js'
import { isUniqueViolation } from '../db/unique-violation.js'
import type { MfaChallengeRow, RecoveryCodeRow, TotpRow } from '../db/tables.js'

export type MfaRepository = ReturnType<typeof createMfaRepository>

/** TOTP secrets, recovery codes and the MFA flows' single-use challenges: the only SQL on them. */
export function createMfaRepository(db: Knex) {
  return {
    async findTotpByUserId(userId: string): Promise<TotpRow | undefined> {
      return db<TotpRow>('mfa_totp').where({ user_id: userId }).first()
    },

    /** Every sealed TOTP secret (pending or confirmed), for sealing them again under another data key. */
    async findSealedTotpSecrets(): Promise<Array<Pick<TotpRow, 'user_id' | 'secret_encrypted'>>> {
      return db<TotpRow>('mfa_totp').select('user_id', 'secret_encrypted').orderBy('user_id')
    },

    /**
     * Replaces a sealed secret by the same secret sealed again, only if the row still holds `from`:
     * a secret replaced meanwhile (a new setup) is left alone. Answers whether it was replaced.
     */
    async updateTotpSecretSealed(userId: string, from: string, to: string): Promise<boolean> {
      return (await db<TotpRow>('mfa_totp').where({ user_id: userId, secret_encrypted: from }).update({ secret_encrypted: to })) > 0
    },

    /** A new pending secret replaces a pending one; answers false when a confirmed one is in place. */
    async upsertPendingTotp(userId: string, secretEncrypted: string, now: number): Promise<boolean> {
      const upsert = () =>
        transactionRetryingLockConflicts(db, async (trx) => {
          const existing = await trx<TotpRow>('mfa_totp').where({ user_id: userId }).first()
          if (existing?.confirmed_at != null) return false
          if (existing) {
            const replaced = await trx('mfa_totp').where({ user_id: userId }).whereNull('confirmed_at').update({ secret_encrypted: secretEncrypted, created_at: now })
            return replaced > 0
          }
          await trx('mfa_totp').insert({ user_id: userId, secret_encrypted: secretEncrypted, created_at: now })
          return true
        })
      try {
        return await upsert()
      } catch (error) {
        // A parallel setup inserted the user's row after our read: once more, and this time we see it and replace it.
        if (!isUniqueViolation(error)) throw error
        return upsert()
      }
    },

    /**
     * Records an accepted code's time step, only if it is later than any accepted before: the one
     * conditional UPDATE is the arbiter when the same code arrives twice at once. Confirms a pending
     * secret when `confirm`. Answers false for a replay.
     */
    async updateTotpUsedStep(userId: string, step: number, now: number, confirm: boolean): Promise<boolean> {
      const query = db('mfa_totp')
        .where({ user_id: userId })
        .where((where) => where.whereNull('last_used_step').orWhere('last_used_step', '<', step))
      if (confirm) query.whereNull('confirmed_at')
      else query.whereNotNull('confirmed_at')
      const updated = await query.update({ last_used_step: step, last_used_at: now, ...(confirm ? { confirmed_at: now } : {}) })
      return updated > 0
    },

    async deleteTotpByUserId(userId: string): Promise<boolean> {
      return (await db('mfa_totp').where({ user_id: userId }).delete()) > 0
    },

    /**
     * Replaces every recovery code of the user, used or not, in one transaction. The old codes are
     * found by a plain read and deleted by primary key: a DELETE over the user_id index takes InnoDB
     * gap locks, and parallel enrolments of neighbouring users then deadlock on their inserts.
     */
    async replaceRecoveryCodes(userId: string, codeHashes: string[], now: number): Promise<void> {
      await transactionRetryingLockConflicts(db, async (trx) => {
        const old: Array<{ id: number }> = await trx('mfa_recovery_codes').where({ user_id: userId }).select('id')
        if (old.length > 0) await trx('mfa_recovery_codes').whereIn('id', old.map((row) => row.id)).delete()
        await trx('mfa_recovery_codes').insert(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now })))
      })
    },

    /** Spends a code: answers false when it is not this user's, or was already used (also by a parallel request). */
    async updateRecoveryCodeUsed(userId: string, codeHash: string, now: number): Promise<boolean> {
      const updated = await db('mfa_recovery_codes').where({ user_id: userId, code_hash: codeHash }).whereNull('used_at').update({ used_at: now })
      return updated > 0
    },

    async findRecoveryCodesByUserId(userId: string): Promise<RecoveryCodeRow[]> {
      return db<RecoveryCodeRow>('mfa_recovery_codes').where({ user_id: userId }).orderBy('id')
    },

    async deleteRecoveryCodesByUserId(userId: string): Promise<number> {
      return db('mfa_recovery_codes').where({ user_id: userId }).delete()
    },

    async insertChallenge(row: Omit<MfaChallengeRow, 'spent_at'>): Promise<void> {
      await db('mfa_challenges').insert(row)
    },

    /** A live (unspent, unexpired) challenge of this purpose (or of one of these), without spending it. */
    async findLiveChallenge(secretHash: string, purpose: string | readonly string[], now: number): Promise<MfaChallengeRow | undefined> {
      return db<MfaChallengeRow>('mfa_challenges').where({ secret_hash: secretHash }).whereIn('purpose', typeof purpose === 'string' ? [purpose] : [...purpose]).whereNull('spent_at').where('expires_at', '>', now).first()
    },

    /** Spends a live challenge; answers false to every caller but the first. */
    async spendChallenge(secretHash: string, purpose: string, now: number): Promise<boolean> {
      const updated = await db('mfa_challenges').where({ secret_hash: secretHash, purpose }).whereNull('spent_at').where('expires_at', '>', now).update({ spent_at: now })
      return updated > 0
    },

    async deleteChallengesByUserId(userId: string): Promise<number> {
      return db('mfa_challenges').where({ user_id: userId }).delete()
    },

    async deleteChallengesExpiredBefore(now: number): Promise<number> {
      return db('mfa_challenges').where('expires_at', '<', now).delete()
    },
  }
}
