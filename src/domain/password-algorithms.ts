/** The algorithms Heimdall hashes new passwords with (HEIMDALL_PASSWORD_HASH); bcrypt stays the default. */
export const PASSWORD_ALGORITHMS = ['bcrypt', 'argon2id'] as const
export type PasswordAlgorithm = (typeof PASSWORD_ALGORITHMS)[number]
