import type { Context } from '../../context.js'
import { hasPassword } from '../../domain/no-password.js'
import { userRecordLine } from '../../domain/user-record.js'

export interface ExportUsersInput {
  /** Writes the password hashes too (the secrets of the file: keep it as a backup of the database is kept). */
  includeHashes: boolean
  /** Receives each line (without its newline), oldest user first; awaited, so a slow file holds the export back. */
  write: (line: string) => Promise<void> | void
}

/** Users per page read from the database. */
const PAGE_SIZE = 1000

/**
 * Writes every user as a JSON line in `user:import`'s format (domain/user-record.ts), oldest first,
 * page by page so that memory does not grow with the table. One audit entry (`user.exported`) says
 * how many and whether with hashes. Answers how many users were written.
 */
export async function exportUsers(ctx: Context, input: ExportUsersInput): Promise<{ exported: number }> {
  let exported = 0
  let after: { createdAt: number; id: string } | undefined
  for (;;) {
    const page = await ctx.userRecords.findUsersAfter(after, PAGE_SIZE)
    if (page.length === 0) break
    const roles = await ctx.roles.findRoleNamesByUserIds(page.map((user) => user.id))
    for (const user of page) {
      await input.write(userRecordLine({
        email: user.email,
        emailVerified: user.email_verified_at !== null,
        roles: roles.get(user.id) ?? [],
        disabled: Boolean(user.disabled),
        createdAt: Number(user.created_at),
        passwordHash: input.includeHashes && hasPassword(user.password_hash) ? user.password_hash : undefined,
      }))
    }
    exported += page.length
    const last = page[page.length - 1]!
    after = { createdAt: Number(last.created_at), id: last.id }
  }
  await ctx.audit.insertAuditEvent({ type: 'user.exported', detail: { exported, include_hashes: input.includeHashes, by: 'operator' } })
  return { exported }
}
