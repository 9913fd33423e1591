import type { Context } from '../../context.js'
import { hashUserToken } from '../../infra/user-token.js'
import { confirmEmailChange } from './change-email.js'
import type { EndedAtFirstProof } from './first-proof.js'
import { verifyEmail } from './verify-email.js'

/**
 * What the link in a verification or an email-change mail does (both lead to the same page): the
 * token's purpose decides. Throws recovery.invalid_token (400) or user.email_taken (400).
 */
export async function confirmEmailLink(ctx: Context, input: { token: string }): Promise<{ kind: 'verified' | 'changed'; email: string; endedAtFirstProof?: EndedAtFirstProof }> {
  const row = input.token === '' ? undefined : await ctx.userTokens.findUserTokenByHash(hashUserToken(input.token))
  if (row?.purpose === 'email_change') return { kind: 'changed', email: (await confirmEmailChange(ctx, input)).email }
  return { kind: 'verified', ...(await verifyEmail(ctx, input)) }
}
