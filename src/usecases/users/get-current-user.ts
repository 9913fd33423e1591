import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { validateToken, type ValidToken } from '../tokens/validate-token.js'

/** The user behind a bearer token; any invalid token is an authentication failure. */
export async function getCurrentUser(ctx: Context, token: string | undefined): Promise<ValidToken> {
  if (!token) throw new HeimdallError('auth.missing_token', 'Not authenticated: a Bearer token is required')
  const result = await validateToken(ctx, token)
  if (!result.isValid) throw new HeimdallError(result.code, result.error)
  return result
}
