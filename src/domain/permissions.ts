export const DEFAULT_ROLE = 'user'

/** The permissions a set of role grants adds up to: unique and in a stable order. */
export function mergePermissions(grants: Iterable<string>): string[] {
  return [...new Set(grants)].sort()
}
