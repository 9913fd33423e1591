import type { Context } from '../../context.js'
import { isAsymmetric, type AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'
import { HeimdallError } from '../../errors.js'

export interface RotatedSigningKey {
  kid: string
  alg: AsymmetricAlg
  /** Epoch ms. */
  createdAt: number
  /** The keys that stopped signing, each published until every token it signed has expired (epoch ms). */
  retired: Array<{ kid: string; publishedUntil: number }>
}

/**
 * Creates a key for HEIMDALL_JWT_ALG and makes it the signing key; the previous one stops signing but
 * stays in the JWKS until its tokens have expired. Running servers switch at their next key reload.
 */
export async function rotateSigningKey(ctx: Context, _input: Record<string, never> = {}): Promise<RotatedSigningKey> {
  // With HS256 access tokens, OpenID Connect still signs ID tokens with an RS256 key: that one rotates.
  const alg = isAsymmetric(ctx.config.jwtAlg) ? ctx.config.jwtAlg : ctx.config.oidcEnabled ? 'RS256' : ctx.config.jwtAlg
  if (!isAsymmetric(alg)) {
    throw new HeimdallError(
      'config.invalid',
      'Signing keys are used with HEIMDALL_JWT_ALG=RS256 or EdDSA; HS256 tokens are signed with HEIMDALL_JWT_SECRET (change that secret to rotate it)',
    )
  }
  const now = ctx.clock.now()
  const key = await ctx.signingKeys.create(alg, now)
  const retired = await ctx.signingKeys.retireAllExcept(key.kid, now)
  await ctx.audit.insertAuditEvent({ type: 'signing_key.rotated', detail: { kid: key.kid, alg, retired: retired.map((old) => old.kid) } }, now)
  return { kid: key.kid, alg, createdAt: now, retired }
}
