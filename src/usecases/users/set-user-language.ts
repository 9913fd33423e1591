import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import type { AccountSession } from '../sessions/account-session.js'

/**
 * The signed-in user chooses the language of their pages and of the mails sent to them (issue 27):
 * `language` is a catalogue's tag the door has checked against the catalogues served ("de"), or null
 * to let the browser's Accept-Language decide again. One `user.updated` event (changes: language).
 */
export async function setUserLanguage(ctx: Context, account: AccountSession, input: { language: string | null }): Promise<void> {
  if (account.language === input.language) return
  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    await tx.users.updateUserLanguage(account.userId, input.language, now)
    const emits = event('user.updated', { user_id: account.userId, changes: ['language'], email: account.email })
    await tx.audit.insertAuditEvent({ type: 'user.language_changed', userId: account.userId, sessionId: account.sessionId, detail: { language: input.language }, emits, actor: `user:${account.userId}` }, now)
  })
  await ctx.invalidate({ kind: 'user', id: account.userId })
}
