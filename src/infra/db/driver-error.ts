/**
 * What a database driver's error says, without the SQL: knex prefixes the driver's message with the
 * whole statement and its bound values ("insert into `sessions` ... - Out of range value ..."), which
 * would put stored values (hashes, emails) on a terminal or in the logs. PostgreSQL's `detail` (which
 * quotes the offending values: "Key (email)=(...) already exists") is left out for the same reason.
 * Answers undefined for anything that is not a driver error (MySQL/MariaDB ER_* or SQLite SQLITE_*
 * codes, or a PostgreSQL SQLSTATE, which node-postgres errors carry with a `severity`).
 */
export function driverErrorSummary(error: unknown): string | undefined {
  const { code, sqlMessage, message, severity } = (error ?? {}) as { code?: unknown; sqlMessage?: unknown; message?: unknown; severity?: unknown }
  if (typeof code !== 'string') return undefined
  const postgres = typeof severity === 'string' && /^[0-9A-Z]{5}$/.test(code)
  if (!postgres && !/^(ER_|SQLITE_)/.test(code)) return undefined
  const driverMessage = typeof sqlMessage === 'string' ? sqlMessage : typeof message === 'string' ? message.split(' - ').at(-1)! : ''
  return `${code}: ${driverMessage}`
}
