import type { Context } from '../../context.js'
import { privateKeyAssociatedData } from '../../infra/tokens/signing-key-store.js'
import { totpAssociatedData } from '../mfa/totp.js'
import { clientSecretAssociatedData } from '../federation/client-secret.js'
import { sealedHeaderData } from '../ssf/streams.js'
import { ssfStreams } from '../ssf/transmitter.js'

/** One value sealed at rest, with what opens it and how to store it sealed again. */
export interface StoredSecret {
  kind: 'totp_secret' | 'signing_key' | 'idp_client_secret' | 'ssf_push_authorization'
  /** The user id of a TOTP secret, the kid of a signing key, the name of an identity provider, a stream id. */
  owner: string
  sealed: string
  associatedData: string
  /** Stores `sealed` in its place, only if the row still holds the value read; answers whether it did. */
  replace(sealed: string): Promise<boolean>
}

/**
 * Every secret Heimdall keeps encrypted at rest: the TOTP seeds (pending and confirmed), the
 * private halves of the signing keys that still have one, and the client secrets Heimdall holds at
 * upstream identity providers (idp:create), and the Authorization headers of Shared Signals push
 * endpoints. Passwords, recovery codes, client secrets
 * and mailed tokens are hashed, not encrypted, so no key opens them and none is listed here.
 */
export async function listStoredSecrets(ctx: Context): Promise<StoredSecret[]> {
  const totp = (await ctx.mfa.findSealedTotpSecrets()).map(
    (row): StoredSecret => ({
      kind: 'totp_secret',
      owner: row.user_id,
      sealed: row.secret_encrypted,
      associatedData: totpAssociatedData(row.user_id),
      replace: (sealed) => ctx.mfa.updateTotpSecretSealed(row.user_id, row.secret_encrypted, sealed),
    }),
  )
  const keys = (await ctx.signingKeys.list())
    .filter((row) => row.private_key_encrypted !== null)
    .map(
      (row): StoredSecret => ({
        kind: 'signing_key',
        owner: row.kid,
        sealed: row.private_key_encrypted!,
        associatedData: privateKeyAssociatedData(row.kid, row.alg),
        replace: (sealed) => ctx.signingKeys.replaceSealedPrivateKey(row, sealed),
      }),
    )
  const providers = (await ctx.identityProviders.findIdentityProviders()).map(
    (row): StoredSecret => ({
      kind: 'idp_client_secret',
      owner: row.name,
      sealed: row.client_secret_sealed,
      associatedData: clientSecretAssociatedData(row.id),
      replace: (sealed) => ctx.identityProviders.updateClientSecretSealed(row.id, row.client_secret_sealed, sealed),
    }),
  )
  const pushHeaders = (await ssfStreams(ctx).findStreams())
    .filter((row) => row.authorization_header_sealed !== null)
    .map(
      (row): StoredSecret => ({
        kind: 'ssf_push_authorization',
        owner: row.id,
        sealed: row.authorization_header_sealed!,
        associatedData: sealedHeaderData(row.id),
        replace: (sealed) => ssfStreams(ctx).updateAuthorizationSealed(row.id, row.authorization_header_sealed!, sealed),
      }),
    )
  return [...totp, ...keys, ...providers, ...pushHeaders]
}
