import type { Knex } from 'knex'
import type { PasskeyRow } from '../db/tables.js'

export type PasskeysRepository = ReturnType<typeof createPasskeysRepository>

/** WebAuthn credentials (passkeys): the only SQL on them. */
export function createPasskeysRepository(db: Knex) {
  return {
    async insertPasskey(row: PasskeyRow): Promise<void> {
      await db('passkeys').insert(row)
    },

    async findPasskeysByUserId(userId: string): Promise<PasskeyRow[]> {
      return db<PasskeyRow>('passkeys').where({ user_id: userId }).orderBy('created_at')
    },

    async findPasskeyByCredentialIdHash(hash: string): Promise<PasskeyRow | undefined> {
      return db<PasskeyRow>('passkeys').where({ credential_id_hash: hash }).first()
    },

    async countPasskeysByUserId(userId: string): Promise<number> {
      const row = await db('passkeys').where({ user_id: userId }).count({ count: '*' }).first()
      return Number(row?.count ?? 0)
    },

    /**
     * Moves the signature counter forward from the value read: a parallel use of the same assertion
     * (or of a clone) finds it moved and gets false.
     */
    async updatePasskeyUsed(id: string, expectedCount: number, newCount: number, now: number): Promise<boolean> {
      const updated = await db('passkeys').where({ id, sign_count: expectedCount }).update({ sign_count: newCount, last_used_at: now })
      return updated > 0
    },

    async deletePasskeyByIdAndUserId(id: string, userId: string): Promise<boolean> {
      return (await db('passkeys').where({ id, user_id: userId }).delete()) > 0
    },

    async deletePasskeysByUserId(userId: string): Promise<number> {
      return db('passkeys').where({ user_id: userId }).delete()
    },
  }
}
