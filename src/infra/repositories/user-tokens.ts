import type { Knex } from 'knex'
import type { UserTokenPurpose, UserTokenRow } from '../db/tables.js'

export type NewUserToken = Pick<UserTokenRow, 'id' | 'user_id' | 'purpose' | 'token_hash' | 'new_email' | 'created_at' | 'expires_at'>

export type UserTokensRepository = ReturnType<typeof createUserTokensRepository>

/** One-time tokens mailed to users (password reset, email verification, email change), by hash only. */
export function createUserTokensRepository(db: Knex) {
  /**
   * Ends the given user's live tokens of these purposes. The live ones are found by a plain read and
   * updated by primary key: an UPDATE over the (user_id, purpose) index would take InnoDB gap locks,
   * and two transactions issuing tokens for neighbouring users would deadlock on their inserts.
   */
  async function supersede(userId: string, purposes: UserTokenPurpose[], now: number): Promise<number> {
    const live: Array<{ id: string }> = await db('user_tokens').where({ user_id: userId }).whereIn('purpose', purposes).whereNull('spent_at').whereNull('superseded_at').select('id')
    if (live.length === 0) return 0
    return db('user_tokens').whereIn('id', live.map((row) => row.id)).whereNull('spent_at').whereNull('superseded_at').update({ superseded_at: now })
  }

  return {
    /** Supersedes the user's live tokens of the same purpose, then stores the new one: only the newest works. */
    async insertUserTokenSupersedingOthers(token: NewUserToken): Promise<void> {
      await supersede(token.user_id, [token.purpose], token.created_at)
      await db('user_tokens').insert({ ...token, spent_at: null, superseded_at: null })
    },

    async findUserTokenByHash(tokenHash: string): Promise<UserTokenRow | undefined> {
      return db<UserTokenRow>('user_tokens').where({ token_hash: tokenHash }).first()
    },

    /**
     * Spends a live token. The conditional UPDATE is the arbiter between concurrent uses: it answers
     * true to exactly one caller, and false when the token was spent, superseded or expired meanwhile.
     */
    async updateUserTokenSpent(id: string, now: number): Promise<boolean> {
      const spent = await db('user_tokens').where({ id }).whereNull('spent_at').whereNull('superseded_at').where('expires_at', '>', now).update({ spent_at: now })
      return spent > 0
    },

    /** Ends every live token of a user for these purposes (e.g. after a reset, older reset links die). */
    updateUserTokensSuperseded: supersede,
  }
}
