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

/** A validation detail's message for a page: an address problem as one sentence a person can act on. */
export function fieldMessageOf(detail: FieldError): string {
  if (detail.type === 'value_error.email' || detail.msg.startsWith('value is not a valid email address')) {
    return 'Enter an email address such as name@example.com.'
  }
  return detail.msg
}
