import type { Knex } from 'knex'
import { transactionRetryingLockConflicts } from '../db/lock-conflict.js'
import type { UserRow } from '../db/tables.js'
import { endWhatTheOldPasswordGot } from './users.js'

/** A user whose password an import replaced, or whom it disabled (`disabled`): its sessions were revoked, so the caller tells the estate. */
export interface ImportEffect {
  userId: string
  disabled: boolean
  revokedSessions: number
}

/** A user as `user:import` writes it: its hash stored as given, never computed. */
export interface ImportedUser {
  id: string
  email: string
  passwordHash: string
  disabled: boolean
  emailVerifiedAt: number | null
  createdAt: number
  roleIds: number[]
}

/** What `user:import --on-conflict update` changes on an existing user; undefined fields stay as they are. */
export interface ImportedUpdate {
  id: string
  passwordHash?: string
  disabled: boolean
  emailVerified: boolean
  roleIds: number[]
}

/** Rows per multi-row INSERT: under SQLite's, MySQL's and PostgreSQL's limits on bound parameters. */
const ROWS_PER_INSERT = 500

export type UserRecordsRepository = ReturnType<typeof createUserRecordsRepository>

/** The bulk side of users: import in batches, export in pages. The only SQL of user:import and user:export. */
export function createUserRecordsRepository(db: Knex) {
  return {
    /** The ids of the users among `emails` (normalised) that exist, by email. */
    async findUserIdsByEmails(emails: string[]): Promise<Map<string, string>> {
      const found = new Map<string, string>()
      for (let start = 0; start < emails.length; start += ROWS_PER_INSERT) {
        const rows: Array<{ id: string; email: string }> = await db('users').whereIn('email', emails.slice(start, start + ROWS_PER_INSERT)).select('id', 'email')
        for (const row of rows) found.set(row.email, row.id)
      }
      return found
    },

    /**
     * Inserts new users with their role grants and updates existing ones, all in one transaction:
     * a batch lands whole or not at all. `now` marks updated users changed (the signal other
     * processes' caches poll for); new ones keep updated_at = created_at, as a registration does.
     * An update that replaces a password or disables the user ends, in the same transaction, what
     * user:set-password or user:disable would: every session (refresh tokens die with them), and for
     * a new password what the old one got (endWhatTheOldPasswordGot). Answers those users.
     */
    async writeImportBatch(inserts: ImportedUser[], updates: ImportedUpdate[], now: number): Promise<ImportEffect[]> {
      return transactionRetryingLockConflicts(db, async (trx) => {
        const effects: ImportEffect[] = []
        for (let start = 0; start < inserts.length; start += ROWS_PER_INSERT) {
          const chunk = inserts.slice(start, start + ROWS_PER_INSERT)
          await trx('users').insert(chunk.map((user) => ({
            id: user.id,
            email: user.email,
            password_hash: user.passwordHash,
            disabled: user.disabled,
            created_by_operator: false,
            email_verified_at: user.emailVerifiedAt,
            created_at: user.createdAt,
            updated_at: user.createdAt,
          })))
          const grants = chunk.flatMap((user) => user.roleIds.map((roleId) => ({ user_id: user.id, role_id: roleId })))
          for (let first = 0; first < grants.length; first += ROWS_PER_INSERT) await trx('user_roles').insert(grants.slice(first, first + ROWS_PER_INSERT))
        }
        for (const update of updates) {
          const before = await trx<UserRow>('users').where({ id: update.id }).first('password_hash', 'disabled')
          const passwordReplaced = update.passwordHash !== undefined && update.passwordHash !== before?.password_hash
          const disabledNow = update.disabled && !before?.disabled
          const changes: Record<string, unknown> = { disabled: update.disabled, updated_at: now }
          if (update.passwordHash !== undefined) changes.password_hash = update.passwordHash
          await trx('users').where({ id: update.id }).update(changes)
          if (passwordReplaced) await endWhatTheOldPasswordGot(trx, update.id, now)
          if (passwordReplaced || disabledNow) {
            const reason = disabledNow ? 'user_disabled' : 'password_changed'
            const revokedSessions = await trx('sessions').where({ user_id: update.id }).whereNull('revoked_at').update({ revoked_at: now, revoked_reason: reason })
            effects.push({ userId: update.id, disabled: disabledNow, revokedSessions })
          }
          const verified = trx('users').where({ id: update.id })
          await (update.emailVerified ? verified.whereNull('email_verified_at').update({ email_verified_at: now }) : verified.update({ email_verified_at: null }))
          await trx('user_roles').where({ user_id: update.id }).delete()
          await trx('user_roles').insert(update.roleIds.map((roleId) => ({ user_id: update.id, role_id: roleId })))
        }
        return effects
      })
    },

    /** One page of users for export, oldest first, after the (created_at, id) of the previous page's last. */
    async findUsersAfter(after: { createdAt: number; id: string } | undefined, limit: number): Promise<UserRow[]> {
      const query = db<UserRow>('users').orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(limit)
      if (after) query.where((where) => where.where('created_at', '>', after.createdAt).orWhere((same) => same.where('created_at', after.createdAt).where('id', '>', after.id)))
      return query.select('*')
    },
  }
}
