import { MIN_PASSWORD_LENGTH } from '../../domain/password-policy.js'
import type { Translator } from '../../infra/i18n/catalogues.js'

/**
 * The registration's password policy (domain/password-policy.ts) as the hint under every new-password
 * field, shown before anyone submits: registration, reset, change (issue 27). Never under a sign-in
 * password, where it would tell a guesser what to skip.
 */
export function passwordPolicyInWords(t: Translator): string {
  return t('field.password_policy', { count: MIN_PASSWORD_LENGTH })
}
