/**
 * What a database driver's error says, without the SQL: knex prefixes the driver's message with the
 * whole statement and its bound values ("insert into `sessions` ... - Out of range value ..."), which
 * would put stored values (hashes, emails) on a terminal or in the logs. Answers undefined for
 * anything that is not a driver error (MySQL/MariaDB ER_* or SQLite SQLITE_* codes).
 */
export function driverErrorSummary(error: unknown): string | undefined {
  const { code, sqlMessage, message } = (error ?? {}) as { code?: unknown; sqlMessage?: unknown; message?: unknown }
  if (typeof code !== 'string' || !/^(ER_|SQLITE_)/.test(code)) return undefined
  const driverMessage = typeof sqlMessage === 'string' ? sqlMessage : typeof message === 'string' ? message.split(' - ').at(-1)! : ''
  return `${code}: ${driverMessage}`
}
