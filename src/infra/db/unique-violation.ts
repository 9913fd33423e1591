/**
 * True when a write failed on a UNIQUE constraint (or primary key), on any of the three databases:
 * MySQL's ER_DUP_ENTRY, PostgreSQL's 23505 (unique_violation), SQLite's constraint codes.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code
  return code === 'ER_DUP_ENTRY' || code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
