import type { Knex } from 'knex'
import type { SessionRow } from '../db/tables.js'

/** A session joined with the state of its user: what validation needs to decide. */
export interface SessionWithUserRow extends SessionRow {
  email: string
  user_disabled: boolean | number
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>

export function createSessionsRepository(db: Knex) {
  return {
    async insertSession(session: Pick<SessionRow, 'id' | 'user_id' | 'created_at' | 'expires_at'>): Promise<void> {
      await db('sessions').insert(session)
    },

    async findSessionWithUserById(id: string): Promise<SessionWithUserRow | undefined> {
      return db('sessions')
        .join('users', 'users.id', 'sessions.user_id')
        .where('sessions.id', id)
        .first('sessions.*', 'users.email as email', 'users.disabled as user_disabled')
    },

    /** Revokes a live session; answers false when it was already revoked or does not exist. */
    async updateSessionRevokedById(id: string, reason: string, now: number): Promise<boolean> {
      const count = await db('sessions').where({ id }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason })
      return count > 0
    },

    async countActiveSessions(now: number): Promise<number> {
      const row = await db('sessions').whereNull('revoked_at').where('expires_at', '>', now).count({ count: '*' }).first()
      return Number(row?.count ?? 0)
    },
  }
}
