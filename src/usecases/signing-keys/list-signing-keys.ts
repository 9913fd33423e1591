import type { Context } from '../../context.js'
import { signingKeyState, type SigningKeyState } from '../../domain/signing-key-lifecycle.js'

export interface SigningKeySummary {
  kid: string
  alg: string
  state: SigningKeyState
  /** Epoch ms. */
  createdAt: number
  retiredAt: number | null
  /** Null while the key is active: it is published as long as it signs. */
  publishedUntil: number | null
}

/** Every signing key, oldest first: the one that signs, those still published for verification, and expired ones. */
export async function listSigningKeys(ctx: Context, _input: Record<string, never> = {}): Promise<SigningKeySummary[]> {
  const now = ctx.clock.now()
  return (await ctx.signingKeys.list()).map((row) => {
    const key = { retiredAt: row.retired_at, publishedUntil: row.published_until }
    return {
      kid: row.kid,
      alg: row.alg,
      state: signingKeyState(key, now),
      createdAt: row.created_at,
      retiredAt: row.retired_at,
      publishedUntil: row.published_until,
    }
  })
}
