import type { Context } from '../../context.js'
import { hashUserToken } from '../../infra/user-token.js'
import { confirmEmailChange } from './change-email.js'
import type { EndedAtFirstProof } from './first-proof.js'
import { findLiveUserToken } from './user-token.js'
import { verifyEmail } from './verify-email.js'

/** What a verification or email-change link would do, for the page that asks before doing it. */
export interface EmailLinkPreview {
  kind: 'verification' | 'change'
  /** The account's address now. */
  email: string
  /** For a change: the address the account moves to. */
  newEmail?: string
}

/**
 * Whether a verification or email-change link still works, and what it would do, without spending
 * it: opening a mailed link (a person, or a mail scanner fetching it before delivery) must change
 * nothing. Throws recovery.invalid_token (400) saying why it does not work.
 */
export async function checkEmailLink(ctx: Context, token: string): Promise<EmailLinkPreview> {
  const { row, user } = await findLiveUserToken(ctx, token, ['email_verification', 'email_change'])
  if (row.purpose === 'email_change') return { kind: 'change', email: user.email, newEmail: row.new_email ?? undefined }
  return { kind: 'verification', email: user.email }
}

/**
 * What pressing the button on a verification or email-change link's page does (both lead to the same
 * page): the token's purpose decides. Throws recovery.invalid_token (400) or user.email_taken (400).
 */
export async function confirmEmailLink(ctx: Context, input: { token: string }): Promise<{ kind: 'verified' | 'changed'; email: string; endedAtFirstProof?: EndedAtFirstProof }> {
  const row = input.token === '' ? undefined : await ctx.userTokens.findUserTokenByHash(hashUserToken(input.token))
  if (row?.purpose === 'email_change') return { kind: 'changed', email: (await confirmEmailChange(ctx, input)).email }
  return { kind: 'verified', ...(await verifyEmail(ctx, input)) }
}
