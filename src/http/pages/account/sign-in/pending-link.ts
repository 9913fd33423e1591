import type { ParameterizedContext } from 'koa'
import { isPendingLinkFor } from '../../../../usecases/federation/is-pending-link-for.js'
import { linkPendingIdentity } from '../../../../usecases/federation/link-pending-identity.js'
import type { PageCookie } from '../../cookies.js'
import type { AccountDoors } from '../shared.js'

/**
 * The pending link of an upstream sign-in that found an account with its address (link-required,
 * docs/federation.md): the person proves that account on the link page (link.ts), with its second
 * factor when it has one, and the sign-in that follows spends it. Path /account, so that the second
 * step's page (/account/login/mfa) gets it too; it lives as long as the pending link (15 minutes).
 */
export const PENDING_LINK: PageCookie = { name: 'heimdall_pending_link', path: '/account', sameSite: 'Lax', maxAgeSeconds: 15 * 60 }

/**
 * Links the identity this browser's pending link names to `userId`, the account a sign-in has just
 * proven (finish.ts), and forgets the cookie. Nothing without the cookie; nothing either when the
 * account proven is another one (a sign-in on the sign-in page as someone else, in the same browser
 * within the 15 minutes) or the link has lapsed: that sign-in goes on, the cookie is forgotten (the
 * link page itself checks the link before it takes a proof). Throws what linkPendingIdentity throws
 * (federation.link_expired when spent by a racing sign-in, federation.identity_taken).
 */
export async function spendPendingLink(doors: AccountDoors, ctx: ParameterizedContext, userId: string): Promise<void> {
  const token = doors.pages.cookies.get(ctx, PENDING_LINK)
  if (token === undefined || token === '') return
  doors.pages.cookies.clear(ctx, PENDING_LINK)
  const context = doors.pages.contextOf(ctx)
  if (!(await isPendingLinkFor(context, { pendingLinkToken: token, userId }))) return
  await linkPendingIdentity(context, { pendingLinkToken: token, userId })
}
