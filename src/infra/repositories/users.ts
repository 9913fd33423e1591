import type { Knex } from 'knex'
import { transactionRetryingLockConflicts } from '../db/lock-conflict.js'
import type { UserRow } from '../db/tables.js'
import { createAuditRepository, type AuditEvent } from './audit.js'
import { createUserTokensRepository } from './user-tokens.js'

/**
 * The mfa_challenges purposes that a password bought (usecases/mfa): a login's pending second step
 * (mfa_token) and its passkey challenge, and the enrolment-only token (het_) of an account that must
 * add a factor. A replaced password ends them, as it ends sessions: with one, whoever had the old
 * password could still finish a sign-in, or plant a passkey that then signs in alone.
 */
const PASSWORD_BOUND_CHALLENGES = ['mfa_login', 'webauthn_second_step', 'mfa_enrollment']

/**
 * Ends, within `trx`, what a user's old password got besides sessions (which each caller revokes
 * with its own reason and events): live password-reset and email-change links, and the
 * PASSWORD_BOUND_CHALLENGES. For every writer of a password hash: updateUserPassword, user:import.
 */
export async function endWhatTheOldPasswordGot(trx: Knex, userId: string, now: number): Promise<void> {
  await createUserTokensRepository(trx).updateUserTokensSuperseded(userId, ['password_reset', 'email_change'], now)
  await trx('mfa_challenges').where({ user_id: userId }).whereIn('purpose', PASSWORD_BOUND_CHALLENGES).delete()
}

export interface UserQuery {
  /** A fragment of the email, matched literally anywhere in it. */
  emailContains?: string
  /** Only users holding this role. */
  role?: string
  limit: number
  offset: number
}

/** Escapes LIKE wildcards so an email fragment matches literally; '!' is the escape on both databases. */
function likeFragment(fragment: string): string {
  return `%${fragment.replace(/[!%_]/g, (char) => `!${char}`)}%`
}

export interface NewUser {
  id: string
  email: string
  passwordHash: string
  roleIds: number[]
  now: number
  /** user:create rather than a registration of the person themselves. */
  createdByOperator?: boolean
}

export type UsersRepository = ReturnType<typeof createUsersRepository>

export function createUsersRepository(db: Knex) {
  return {
    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ email }).first()
    },

    async findUserById(id: string): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ id }).first()
    },

    /** The user and its role grants land together or not at all. */
    async insertUserWithRoles(user: NewUser): Promise<void> {
      await transactionRetryingLockConflicts(db, async (trx) => {
        await trx('users').insert({
          id: user.id,
          email: user.email,
          password_hash: user.passwordHash,
          disabled: false,
          created_by_operator: user.createdByOperator ?? false,
          created_at: user.now,
          updated_at: user.now,
        })
        await trx('user_roles').insert(user.roleIds.map((roleId) => ({ user_id: user.id, role_id: roleId })))
      })
    },

    async updateUserDisabled(id: string, disabled: boolean, now: number): Promise<void> {
      await db('users').where({ id }).update({ disabled, updated_at: now })
    },

    /** Marks a user changed (roles, state): the signal other processes' caches poll for. */
    async updateUserTouched(id: string, now: number): Promise<void> {
      await db('users').where({ id }).update({ updated_at: now })
    },

    /** One page of users, oldest first, and how many match in all. */
    async findUsers(query: UserQuery): Promise<{ rows: UserRow[]; total: number }> {
      const matching = () => {
        const builder = db<UserRow>('users')
        if (query.emailContains !== undefined) builder.whereRaw('email like ? escape ?', [likeFragment(query.emailContains), '!'])
        if (query.role !== undefined) {
          builder.whereExists((sub) =>
            sub.from('user_roles').join('roles', 'roles.id', 'user_roles.role_id').where('user_roles.user_id', db.ref('users.id')).where('roles.name', query.role!),
          )
        }
        return builder
      }
      const rows = await matching().orderBy([{ column: 'created_at' }, { column: 'email' }]).limit(query.limit).offset(query.offset).select('*')
      const counted = await matching().count({ count: '*' }).first()
      return { rows, total: Number(counted?.count ?? 0) }
    },

    /** Marks the address proven the user's; touches updated_at, which other processes' caches poll for. */
    /** The user's own language for pages and mails (null: none, the browser decides). */
    async updateUserLanguage(id: string, language: string | null, now: number): Promise<void> {
      await db('users').where({ id }).update({ language, updated_at: now })
    },

    async updateUserEmailVerified(id: string, now: number): Promise<void> {
      await db('users').where({ id }).update({ email_verified_at: now, updated_at: now })
    },

    /** Moves the user to a new, just-proven address (an email change); unique-violation if it is taken. */
    async updateUserEmail(id: string, email: string, now: number): Promise<void> {
      await db('users').where({ id }).update({ email, email_verified_at: now, updated_at: now })
    },

    /**
     * Sets a new password and, in the same transaction, ends what was got with the old one: every live
     * password-reset and email-change link of the user (either would take the account back: a reset
     * link, or an address change asked for by whoever held the old password and a session), and every
     * pending second step and enrolment-only token (PASSWORD_BOUND_CHALLENGES). Done here, where every
     * password is written (account page, reset, user:set-password), so no path can forget it.
     */
    async updateUserPassword(id: string, passwordHash: string, now: number): Promise<void> {
      await transactionRetryingLockConflicts(db, async (trx) => {
        await trx('users').where({ id }).update({ password_hash: passwordHash, updated_at: now })
        await endWhatTheOldPasswordGot(trx, id, now)
      })
    },

    /**
     * Replaces a hash by another of the same password (a rehash): only if it is still `previousHash`,
     * so that a password set meanwhile is never overwritten. Leaves updated_at alone: nothing changed
     * that a cache holds.
     */
    async updateUserPasswordHashIfUnchanged(id: string, previousHash: string, passwordHash: string): Promise<boolean> {
      return (await db('users').where({ id, password_hash: previousHash }).update({ password_hash: passwordHash })) > 0
    },

    /** Removes a user with its refresh tokens, sessions and role grants, together or not at all; answers the sessions removed. */
    /**
     * Deletes the user and everything hanging off it, and records `auditEvent` in the same
     * transaction: other processes learn of the deletion from that row, so neither happens alone.
     */
    async deleteUserById(id: string, auditEvent: (deletedSessions: number) => AuditEvent): Promise<{ deletedSessions: number }> {
      return transactionRetryingLockConflicts(db, async (trx) => {
        await trx('refresh_tokens').whereIn('session_id', trx('sessions').where({ user_id: id }).select('id')).delete()
        const deletedSessions = await trx('sessions').where({ user_id: id }).delete()
        await trx('user_roles').where({ user_id: id }).delete()
        await trx('users').where({ id }).delete()
        await createAuditRepository(trx).insertAuditEvent(auditEvent(deletedSessions))
        return { deletedSessions }
      })
    },

    /**
     * Users changed at or after `since` (epoch ms). A row only inserted (updated_at = created_at) is
     * left out: a registration changes no session, and evicting would make the new user's first
     * cached session be read again (during a database outage, a 503 instead of a cache answer).
     */
    async findUserIdsUpdatedSince(since: number): Promise<Array<{ id: string; updated_at: number }>> {
      return db('users').where('updated_at', '>=', since).whereRaw('updated_at > created_at').select('id', 'updated_at')
    },
  }
}
