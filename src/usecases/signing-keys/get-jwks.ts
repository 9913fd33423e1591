import type { Context } from '../../context.js'
import { isAsymmetric } from '../../domain/signing-key-lifecycle.js'
import { publicKeyOf, type PublicJwk } from '../../infra/tokens/signing-key-store.js'

/** How long verifiers may cache the key set: a kid they do not know yet should make them fetch it again. */
export const JWKS_MAX_AGE_SECONDS = 300

/**
 * The public keys services verify tokens with (RFC 7517): the signing key and the retired keys whose
 * tokens may still be live. With HS256, whose secret is never published: empty, or the ID token keys
 * when OpenID Connect is enabled.
 */
export async function getJwks(ctx: Context): Promise<{ keys: PublicJwk[] }> {
  if (ctx.config.oidcEnabled && !isAsymmetric(ctx.config.jwtAlg)) {
    // HS256 access tokens, but ID tokens are signed with an RS256 key that relying parties must find
    // here, even before the provider signed anything.
    await ctx.signingKeys.ensureActive('RS256', ctx.clock.now())
    return { keys: (await ctx.signingKeys.published(ctx.clock.now())).map((row) => publicKeyOf(row).jwk) }
  }
  return { keys: await ctx.tokens.publicJwks() }
}
