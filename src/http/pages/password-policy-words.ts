import { MIN_PASSWORD_LENGTH } from '../../domain/password-policy.js'

/**
 * The registration's password policy (domain/password-policy.ts) as the hint under every new-password
 * field, shown before anyone submits: registration, reset, change (issue 27). Never under a sign-in
 * password, where it would tell a guesser what to skip.
 */
export const PASSWORD_POLICY_IN_WORDS = `At least ${MIN_PASSWORD_LENGTH} characters, with an upper-case letter, a lower-case letter and a digit; not a common password.`
