import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { DEFAULT_ROLE } from '../../domain/permissions.js'
import { parseUserRecord, type UserRecord } from '../../domain/user-record.js'
import type { FirebaseHashConfig } from '../../infra/passwords/firebase-scrypt.js'
import type { ImportedUpdate, ImportedUser } from '../../infra/repositories/user-records.js'
import { importedHash } from './imported-hash.js'
import { sessionsEnded } from '../events/sessions-ended.js'

export const ON_CONFLICT = ['skip', 'update', 'fail'] as const
export type OnConflict = (typeof ON_CONFLICT)[number]

export interface ImportUsersInput {
  /** The file's lines, in order (JSON Lines, domain/user-record.ts); blank lines are passed over. */
  lines: AsyncIterable<string>
  /** An email already registered: left alone, updated from the record, or a failed record. */
  onConflict: OnConflict
  /** Checks every record and counts what would happen, writing nothing (no audit entry either). */
  dryRun: boolean
  /** The Firebase project's hash parameters, for records with a password_salt. */
  firebase?: FirebaseHashConfig
  /** Each bad record, as soon as it is found: its line number (from 1) and what is wrong. */
  onFailure?: (failure: ImportFailure) => void
  /** After each batch: the counts so far. */
  onProgress?: (summary: ImportSummary) => void
}

export interface ImportFailure {
  line: number
  message: string
}

export interface ImportSummary {
  imported: number
  updated: number
  skipped: number
  failed: number
  dry_run: boolean
}

interface Pending {
  line: number
  record: UserRecord
  hash: string
}

/** Records per batch: one transaction each, so a failure midway leaves whole batches behind. */
const BATCH_SIZE = 1000

/**
 * Imports users from JSON Lines, with their password hashes as they were stored elsewhere (never
 * recomputed; each is replaced by the configured algorithm on the user's first sign-in). A bad record
 * (not JSON, bad email, unknown hash prefix, unknown role, a duplicate of an earlier line, or an email
 * taken under --on-conflict fail) is reported with its line number and the rest still import. Runs
 * again with `skip` or `update` change nothing more: idempotent. One audit entry (`user.imported`)
 * records the whole import.
 */
export async function importUsers(ctx: Context, input: ImportUsersInput): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, updated: 0, skipped: 0, failed: 0, dry_run: input.dryRun }
  const fail = (line: number, message: string) => {
    summary.failed++
    input.onFailure?.({ line, message })
  }
  const firstLineOf = new Map<string, number>()
  const roleIds = new Map<string, number>()
  let batch: Pending[] = []
  let lineNumber = 0

  async function flush(): Promise<void> {
    await resolveRoles(ctx, batch, roleIds)
    const existing = await ctx.userRecords.findUserIdsByEmails(batch.map((pending) => pending.record.email))
    const now = ctx.clock.now()
    const inserts: ImportedUser[] = []
    const updates: ImportedUpdate[] = []
    for (const { line, record, hash } of batch) {
      const unknown = record.roles.filter((role) => !roleIds.has(role))
      if (unknown.length > 0) {
        fail(line, `roles: unknown role ${unknown.join(', ')} (see role:list)`)
        continue
      }
      const grants = [...new Set([DEFAULT_ROLE, ...record.roles])].map((role) => roleIds.get(role)!)
      const id = existing.get(record.email)
      if (id === undefined) {
        inserts.push({ id: randomUUID(), email: record.email, passwordHash: hash, disabled: record.disabled, emailVerifiedAt: record.emailVerified ? now : null, createdAt: record.createdAt ?? now, roleIds: grants })
      } else if (input.onConflict === 'skip') summary.skipped++
      else if (input.onConflict === 'fail') fail(line, `email: ${record.email} is already registered (--on-conflict skip or update)`)
      else updates.push({ id, passwordHash: record.passwordHash === undefined ? undefined : hash, disabled: record.disabled, emailVerified: record.emailVerified, roleIds: grants })
    }
    if (!input.dryRun) {
      // Sessions a replaced password or a disabling ended are told in the batch's transaction, as
      // user:set-password and user:disable tell them, then dropped from every cache.
      const effects = await ctx.transaction(async (tx) => {
        const written = await tx.userRecords.writeImportBatch(inserts, updates, now)
        for (const effect of written) {
          if (effect.revokedSessions > 0) await tx.audit.insertAuditEvent({ ...sessionsEnded(effect.userId, effect.disabled ? 'disable' : 'admin', effect.revokedSessions), actor: 'operator' }, now)
        }
        return written
      })
      for (const effect of effects) await ctx.invalidate({ kind: 'user', id: effect.userId })
    }
    summary.imported += inserts.length
    summary.updated += updates.length
    batch = []
    input.onProgress?.({ ...summary })
  }

  for await (const text of input.lines) {
    lineNumber++
    if (text.trim() === '') continue
    const parsed = parseUserRecord(text, ctx.clock.now())
    if (parsed.problems) {
      fail(lineNumber, parsed.problems.join('; '))
      continue
    }
    const earlier = firstLineOf.get(parsed.record.email)
    if (earlier !== undefined) {
      fail(lineNumber, `email: ${parsed.record.email} is a duplicate of line ${earlier}`)
      continue
    }
    firstLineOf.set(parsed.record.email, lineNumber)
    const stored = importedHash(parsed.record, input.firebase)
    if ('problem' in stored) {
      fail(lineNumber, stored.problem)
      continue
    }
    batch.push({ line: lineNumber, record: parsed.record, hash: stored.hash })
    if (batch.length >= BATCH_SIZE) await flush()
  }
  if (batch.length > 0) await flush()

  if (!input.dryRun) {
    await ctx.audit.insertAuditEvent({ type: 'user.imported', detail: { imported: summary.imported, updated: summary.updated, skipped: summary.skipped, failed: summary.failed, on_conflict: input.onConflict, by: 'operator' } })
  }
  return summary
}

/** Looks up the ids of role names not seen before (the default role included) into `known`. */
async function resolveRoles(ctx: Context, batch: Pending[], known: Map<string, number>): Promise<void> {
  const wanted = [...new Set([DEFAULT_ROLE, ...batch.flatMap((pending) => pending.record.roles)])].filter((name) => !known.has(name))
  if (wanted.length === 0) return
  for (const role of await ctx.roles.findRolesByNames(wanted)) known.set(role.name, role.id)
}
