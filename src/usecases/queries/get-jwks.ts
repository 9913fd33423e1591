import type { Context } from '../../context.js'
import type { PublicJwk } from '../../infra/tokens/signing-key-store.js'

/** How long verifiers may cache the key set: a kid they do not know yet should make them fetch it again. */
export const JWKS_MAX_AGE_SECONDS = 300

/**
 * The public keys services verify tokens with (RFC 7517): the signing key and the retired keys whose
 * tokens may still be live. Empty with HS256, whose secret is never published.
 */
export async function getJwks(ctx: Context): Promise<{ keys: PublicJwk[] }> {
  return { keys: await ctx.tokens.publicJwks() }
}
