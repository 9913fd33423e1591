import type { FieldError, HeimdallError } from '../../errors.js'
import type { Translator } from '../../infra/i18n/catalogues.js'
import { errorMessageOf } from './pages.js'
import type { EndedAtFirstProof } from '../../usecases/recovery/first-proof.js'

/**
 * What the pages say for errors whose API message is written for developers (issue 27): the API keeps
 * its messages (its contract); a person on a page reads these, in the page's language (`t`). One
 * place, so that every page says the same thing for the same refusal.
 */

/** How long, in words: "1 minute", "15 minutes", "about 2 hours". */
export function durationInWords(t: Translator, seconds: number): string {
  if (seconds < 60) return t('time.seconds', { count: Math.max(1, seconds) })
  const minutes = Math.ceil(seconds / 60)
  if (minutes < 90) return t('time.minutes', { count: minutes })
  return t('time.about_hours', { count: Math.round(minutes / 60) })
}

/** A refusal's message for a page: the plain-words version where there is one, else the error's own (errorMessageOf). */
export function pageMessageOf(t: Translator, error: HeimdallError): string {
  switch (error.code) {
    case 'auth.locked': {
      const wait = error.retryAfterSeconds === undefined ? t('time.a_while') : durationInWords(t, error.retryAfterSeconds)
      return t('error.locked', { wait })
    }
    case 'auth.account_disabled':
    case 'user.disabled':
      return t('error.disabled')
    default:
      return errorMessageOf(t, error)
  }
}

/** What is wrong with an address (domain/email.ts emailProblem), as a sentence with an example. */
const EMAIL_PROBLEMS: Array<[RegExp, string]> = [
  [/must not be empty/, 'field.email_empty'],
  [/exactly one "@"/, 'field.email_one_at'],
  [/name before the "@"/, 'field.email_name'],
  [/domain after the "@"/, 'field.email_domain'],
  [/domain must contain a "\."/, 'field.email_dot'],
]

/** What is wrong with a new password (domain/password-policy.ts passwordProblems). */
const PASSWORD_PROBLEMS: Array<[RegExp, string]> = [
  [/at least (\d+) characters/, 'field.password_short'],
  [/at most (\d+) bytes/, 'field.password_long'],
  [/upper-case letter/, 'field.password_upper'],
  [/lower-case letter/, 'field.password_lower'],
  [/contain a digit/, 'field.password_digit'],
  [/most common passwords/, 'field.password_common'],
]

/**
 * A validation detail's message for a page: an address problem as one sentence a person can act on;
 * in another language than English, a password rule in that language. Anything else: the API's words.
 */
export function fieldMessageOf(t: Translator, detail: FieldError): string {
  if (detail.type === 'value_error.email' || detail.msg.startsWith('value is not a valid email address')) {
    const key = EMAIL_PROBLEMS.find(([pattern]) => pattern.test(detail.msg))?.[1] ?? 'field.email_invalid'
    return t(key)
  }
  if (t.lang !== 'en' && detail.type === 'value_error.password') {
    for (const [pattern, key] of PASSWORD_PROBLEMS) {
      const match = pattern.exec(detail.msg)
      if (match && t.has(key)) return t(key, { count: Number(match[1] ?? 0) })
    }
  }
  return detail.msg
}

/** Why a mailed link does not work (usecases/recovery/user-token.ts), as a sentence: the API's words in English. */
const LINK_PROBLEMS: Record<string, string> = {
  'This link is not valid': 'link.not_valid',
  'This link was already used': 'link.used',
  'A newer link replaced this one: use the latest mail': 'link.superseded',
  'This link has expired: ask for a new one': 'link.expired',
}

export function linkProblemOf(t: Translator, error: HeimdallError): string {
  const key = Object.hasOwn(LINK_PROBLEMS, error.message) ? LINK_PROBLEMS[error.message] : undefined
  return t.lang !== 'en' && key !== undefined && t.has(key) ? t(key) : `${error.message}.`
}

/** What a first proof of the mailbox ended (usecases/recovery/first-proof.ts), as a sentence; '' when nothing. */
export function endedInWords(t: Translator, ended: EndedAtFirstProof): string {
  const count = (n: number, key: string) => (n === 0 ? '' : t(key, { count: n }))
  const parts = [
    count(ended.sessions, 'ended.sessions'),
    ended.totp ? t('ended.totp') : '',
    count(ended.passkeys, 'ended.passkeys'),
    count(ended.recoveryCodes, 'ended.recovery_codes'),
    count(ended.oidcGrants + ended.oidcConsents, 'ended.applications'),
    count(ended.links, 'ended.links'),
    count(ended.identities.length, 'ended.identities'),
  ].filter((part) => part !== '')
  return parts.length === 0 ? '' : t('ended.lead', { parts: parts.join(', ') })
}
