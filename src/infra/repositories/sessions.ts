import type { Knex } from 'knex'
import { transactionRetryingLockConflicts } from '../db/lock-conflict.js'
import type { RefreshTokenRow, SessionRow } from '../db/tables.js'

/** A session joined with the state of its user: what validation needs to decide. */
export interface SessionWithUserRow extends SessionRow {
  email: string
  email_verified_at: number | null
  user_disabled: boolean | number
  /** The user's chosen language (users.language). */
  language: string | null
}

export type NewRefreshToken = Pick<RefreshTokenRow, 'id' | 'token_hash' | 'created_at' | 'expires_at'>

export type SessionsRepository = ReturnType<typeof createSessionsRepository>

export function createSessionsRepository(db: Knex) {
  return {
    /** A session and its first refresh token land together or not at all. */
    async insertSessionWithRefreshToken(session: Pick<SessionRow, 'id' | 'user_id' | 'created_at' | 'expires_at' | 'amr'>, refresh: NewRefreshToken): Promise<void> {
      await transactionRetryingLockConflicts(db, async (trx) => {
        await trx('sessions').insert(session)
        await trx('refresh_tokens').insert({ ...refresh, session_id: session.id })
      })
    },

    /** A session without a refresh token: its access tokens are all it will ever have. */
    async insertSession(session: Pick<SessionRow, 'id' | 'user_id' | 'created_at' | 'expires_at'>): Promise<void> {
      await db('sessions').insert(session)
    },

    async findSessionWithUserById(id: string): Promise<SessionWithUserRow | undefined> {
      return db('sessions')
        .join('users', 'users.id', 'sessions.user_id')
        .where('sessions.id', id)
        .first('sessions.*', 'users.email as email', 'users.email_verified_at as email_verified_at', 'users.disabled as user_disabled', 'users.language as language')
    },

    async findSessionsByUserId(userId: string): Promise<SessionRow[]> {
      return db<SessionRow>('sessions').where({ user_id: userId }).orderBy('created_at', 'desc')
    },

    async findRefreshTokenByHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
      return db<RefreshTokenRow>('refresh_tokens').where({ token_hash: tokenHash }).first()
    },

    /**
     * Spends one refresh token and issues its successor atomically. The conditional UPDATE is the
     * arbiter between concurrent refreshes: it answers false to every caller but the first.
     */
    async rotateRefreshToken(spentId: string, sessionId: string, next: NewRefreshToken, now: number): Promise<boolean> {
      return transactionRetryingLockConflicts(db, async (trx) => {
        const spent = await trx('refresh_tokens').where({ id: spentId }).whereNull('spent_at').update({ spent_at: now })
        if (spent === 0) return false
        await trx('refresh_tokens').insert({ ...next, session_id: sessionId })
        await trx('sessions').where({ id: sessionId }).update({ expires_at: next.expires_at })
        return true
      })
    },

    /** Revokes a live session; answers false when it was already revoked or does not exist. */
    async updateSessionRevokedById(id: string, reason: string, now: number): Promise<boolean> {
      const count = await db('sessions').where({ id }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason })
      return count > 0
    },

    /** Binds the account page's cookie secret (its SHA-256) to a session. */
    /** Makes a session the account page's; `device` is what the browser said of itself when it signed in. */
    async updateSessionPageSecret(id: string, pageSecretHash: string, device: { userAgent?: string; ip?: string } = {}): Promise<void> {
      await db('sessions')
        .where({ id })
        .update({ page_secret_hash: pageSecretHash, user_agent: device.userAgent?.slice(0, 512) || null, ip_address: device.ip?.slice(0, 64) || null })
    },

    /** Revokes every live session of a user but one (the caller's own); answers how many. */
    async updateSessionsRevokedByUserIdExcept(userId: string, keptSessionId: string, reason: string, now: number): Promise<number> {
      return db('sessions').where({ user_id: userId }).whereNot({ id: keptSessionId }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason })
    },

    /** Revokes every live session of a user; answers how many. */
    async updateSessionsRevokedByUserId(userId: string, reason: string, now: number): Promise<number> {
      return db('sessions').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason })
    },

    async findSessionIdsRevokedSince(since: number): Promise<Array<{ id: string; revoked_at: number }>> {
      return db('sessions').where('revoked_at', '>=', since).select('id', 'revoked_at')
    },

    async countActiveSessionsByUserId(userId: string, now: number): Promise<number> {
      const row = await db('sessions').where({ user_id: userId }).whereNull('revoked_at').where('expires_at', '>', now).count({ count: '*' }).first()
      return Number(row?.count ?? 0)
    },

    async countActiveSessions(now: number): Promise<number> {
      const row = await db('sessions').whereNull('revoked_at').where('expires_at', '>', now).count({ count: '*' }).first()
      return Number(row?.count ?? 0)
    },
  }
}
