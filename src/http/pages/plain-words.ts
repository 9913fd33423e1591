import type { FieldError, HeimdallError } from '../../errors.js'

/**
 * What the pages say for errors whose API message is written for developers (issue 27): the API keeps
 * its messages (its contract); a person on a page reads these. One place, so that every page says the
 * same thing for the same refusal.
 */

/** How long, in words: "1 minute", "15 minutes", "about 2 hours". */
export function durationInWords(seconds: number): string {
  if (seconds < 60) return seconds <= 1 ? '1 second' : `${seconds} seconds`
  const minutes = Math.ceil(seconds / 60)
  if (minutes < 90) return minutes === 1 ? '1 minute' : `${minutes} minutes`
  return `about ${Math.round(minutes / 60)} hours`
}

/** A refusal's message for a page: the plain-words version where there is one, else the error's own. */
export function pageMessageOf(error: HeimdallError): string {
  switch (error.code) {
    case 'auth.locked': {
      const wait = error.retryAfterSeconds === undefined ? 'a while' : durationInWords(error.retryAfterSeconds)
      return `Too many wrong passwords for this account, so it is locked for ${wait}. Try again then, or choose a new password with "Forgot password?": a reset unlocks it at once.`
    }
    case 'auth.account_disabled':
    case 'user.disabled':
      return 'This account is disabled, so it cannot sign in. Ask the administrator of this service to turn it back on.'
    default:
      return error.message
  }
}

/** What is wrong with an address (domain/email.ts emailProblem), as a sentence with an example. */
const EMAIL_PROBLEMS: Array<[RegExp, string]> = [
  [/must not be empty/, 'Enter your email address, such as name@example.com.'],
  [/exactly one "@"/, 'An email address has one "@", as in name@example.com.'],
  [/name before the "@"/, 'Add the name before the "@", as in name@example.com.'],
  [/domain after the "@"/, 'Add the domain after the "@", as in name@example.com.'],
  [/domain must contain a "\."/, 'The part after the "@" must contain a ".", as in name@example.com.'],
]

/** A validation detail's message for a page: an address problem as one sentence a person can act on. */
export function fieldMessageOf(detail: FieldError): string {
  if (detail.type === 'value_error.email' || detail.msg.startsWith('value is not a valid email address')) {
    return EMAIL_PROBLEMS.find(([pattern]) => pattern.test(detail.msg))?.[1] ?? 'Enter an email address such as name@example.com.'
  }
  return detail.msg
}
