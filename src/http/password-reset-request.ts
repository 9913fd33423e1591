import type { ServerResponse } from 'node:http'
import type { Context } from '../context.js'
import { requestPasswordReset } from '../usecases/recovery/request-password-reset.js'

/** What both doors answer to "forgot my password", whether or not the account exists. */
export const FORGOT_MESSAGE = 'If an account with this address exists, a link to reset its password has been sent to it.'

/**
 * Starts requestPasswordReset once the answer has left, for POST /auth/password/forgot and the
 * /account/forgot-password page alike: the same answer at the same moment whether the account
 * exists, is disabled or is unknown. 'close' fires after the response is sent (or when the client goes
 * away): with better-sqlite3 the queries run synchronously, so work started in the handler ran before
 * the answer was written, and only existing accounts paid for the token transaction (an SQLite commit
 * blocks the event loop: setImmediate lets the sent answer be read first). The outcome goes to the log
 * only (never the address).
 */
export function requestPasswordResetAfterAnswer(res: ServerResponse, ctx: Context, input: { email: string; ip: string }): void {
  res.once('close', () => setImmediate(() => {
    void requestPasswordReset(ctx, input).then(
      ({ outcome }) => ctx.logger.debug({ outcome }, 'password reset requested'),
      (err: unknown) => ctx.logger.error({ err }, 'password reset request failed'),
    )
  }))
}
