/**
 * What an account created through an upstream identity provider stores as its password hash: no
 * password has one. "!" (as in /etc/shadow) is no bcrypt hash ("$2..."), so bcrypt compares every
 * password with it as a mismatch. A password can be added later (a reset link, user:set-password).
 */
export const NO_PASSWORD = '!no-password'

/** Whether the stored hash is a password's (not the NO_PASSWORD marker of an upstream-only account). */
export function hasPassword(passwordHash: string): boolean {
  return passwordHash !== NO_PASSWORD
}
