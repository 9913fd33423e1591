import type { Config } from '../../config.js'
import type { Context } from '../../context.js'
import { DELIVERY_METHODS } from '../../domain/ssf.js'
import { isAsymmetric, type AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'
import { HeimdallError } from '../../errors.js'
import { createSsfStreamsRepository, type SsfStreamsRepository } from '../../infra/repositories/ssf-streams.js'

/** Where the transmitter's endpoints are, under HEIMDALL_PUBLIC_URL. */
export const SSF_PATHS = {
  configuration: '/ssf/stream',
  status: '/ssf/status',
  poll: '/ssf/poll',
  verification: '/ssf/verify',
} as const

/** The transmitter's issuer (SSF 1.0 section 7.1): Heimdall's public URL, the base of /.well-known/ssf-configuration. */
export function ssfIssuerOf(config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl.replace(/\/+$/, '')
}

/**
 * The signing algorithm SETs use, or ssf.disabled: SETs are signed with a published key pair, and an
 * HS256 secret is never published, so a receiver could not verify them.
 */
export function requireSsf(ctx: Context): AsymmetricAlg {
  const alg = ctx.config.jwtAlg
  if (!isAsymmetric(alg)) throw new HeimdallError('ssf.disabled', 'Shared Signals is off: Security Event Tokens are signed with a published key, so HEIMDALL_JWT_ALG must be RS256 or EdDSA')
  return alg
}

/** The streams table, over the context's database. */
export function ssfStreams(ctx: Context): SsfStreamsRepository {
  return createSsfStreamsRepository(ctx.db)
}

/**
 * The transmitter configuration metadata (SSF 1.0 section 7.1), answered at
 * /.well-known/ssf-configuration. Throws ssf.disabled with HS256.
 */
export function getSsfConfiguration(ctx: Context): Record<string, unknown> {
  requireSsf(ctx)
  const issuer = ssfIssuerOf(ctx.config)
  return {
    spec_version: '1_0',
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    delivery_methods_supported: [...DELIVERY_METHODS],
    configuration_endpoint: `${issuer}${SSF_PATHS.configuration}`,
    status_endpoint: `${issuer}${SSF_PATHS.status}`,
    verification_endpoint: `${issuer}${SSF_PATHS.verification}`,
    authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
    default_subjects: 'ALL',
  }
}
