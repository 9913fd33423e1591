import type { Knex } from 'knex'
import { errors } from 'oidc-provider'
import { retryOnLockConflict } from '../db/lock-conflict.js'
import type { OidcPayloadRow } from '../db/tables.js'
import type { OAuthClientsRepository } from '../repositories/oauth-clients.js'
import { clientMetadataOf } from './client-metadata.js'

/** What oidc-provider stores per model instance (its AdapterPayload, loosely typed). */
export type OidcPayload = Record<string, unknown> & {
  grantId?: string
  userCode?: string
  uid?: string
  clientId?: string
  consumed?: number
}

/**
 * The models the token endpoint redeems once (oidc-provider's grant sources), with the name its
 * errors use. A second redemption is reuse: the grant goes, with every token issued from it (RFC 6749
 * section 4.1.2 for codes, RFC 9700 section 4.14.2 for rotated refresh tokens).
 */
const REDEEMED_ONCE: Record<string, string> = {
  AuthorizationCode: 'authorization code',
  RefreshToken: 'refresh token',
  DeviceCode: 'device code',
  BackchannelAuthenticationRequest: 'backchannel authentication request',
}

/**
 * A code or refresh token that a concurrent request redeemed between this request's read and its
 * consume: refused as invalid_grant, as a sequential reuse is, once the grant has been revoked.
 */
export class ConcurrentRedemption extends errors.InvalidGrant {
  constructor(
    readonly kind: string,
    readonly grantId: string | undefined,
  ) {
    super(`${REDEEMED_ONCE[kind] ?? kind} already consumed`)
  }
}

/**
 * oidc-provider's storage adapter over knex (its Adapter interface: upsert, find, findByUid,
 * findByUserCode, consume, destroy, revokeByGrantId), one table for every model, so that any
 * instance on the database can continue a flow another one began. Clients are read from
 * oauth_clients (managed by the CLI), never written by the provider (dynamic registration is off).
 * Expired rows read as absent; sweepExpired removes them.
 *
 * consume() is atomic for codes and refresh tokens: the provider reads a row, checks its `consumed`,
 * then consumes it, so two requests racing with one code (or one refresh token) would both pass the
 * check. Here only the first consume wins; the others revoke the grant and throw ConcurrentRedemption.
 *
 * Every write is run again when it loses a MariaDB lock conflict (retryOnLockConflict): the provider
 * revokes a grant with one revokeByGrantId per model, the Grant's destroy and (on refresh-token reuse)
 * the token's destroy, all at once; those delete by primary key (deleteRowsOfGrant), which keeps
 * such conflicts rare.
 */
export function createKnexAdapter(db: Knex, clients: OAuthClientsRepository) {
  return class KnexAdapter {
    readonly kind: string

    constructor(name: string) {
      this.kind = name
    }

    async upsert(id: string, payload: OidcPayload, expiresIn: number | undefined): Promise<void> {
      if (this.kind === 'Client') return
      const row: OidcPayloadRow = {
        kind: this.kind,
        id,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        user_code: payload.userCode ?? null,
        uid: payload.uid ?? null,
        client_id: payload.clientId ?? null,
        session_id: null,
        expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
        consumed_at: null,
      }
      // session_id is linked once, after the row exists (linkOidcGrantToSession): a later save keeps it.
      const { kind: _kind, id: _id, session_id: _sessionId, ...changes } = row
      await retryOnLockConflict(db, () => db<OidcPayloadRow>('oidc_payloads').insert(row).onConflict(['kind', 'id']).merge(changes))
    }

    async find(id: string): Promise<OidcPayload | undefined> {
      if (this.kind === 'Client') {
        const client = await clients.findOAuthClientById(id)
        return client && (clientMetadataOf(client) as OidcPayload)
      }
      return this.findWhere({ id })
    }

    findByUid(uid: string): Promise<OidcPayload | undefined> {
      return this.findWhere({ uid })
    }

    findByUserCode(userCode: string): Promise<OidcPayload | undefined> {
      return this.findWhere({ user_code: userCode })
    }

    async consume(id: string): Promise<void> {
      const row = () => db<OidcPayloadRow>('oidc_payloads').where({ kind: this.kind, id })
      if (!(this.kind in REDEEMED_ONCE)) {
        await retryOnLockConflict(db, () => row().update({ consumed_at: Date.now() }))
        return
      }
      if ((await retryOnLockConflict(db, () => row().whereNull('consumed_at').update({ consumed_at: Date.now() }))) > 0) return
      const grantId = (await row().first('grant_id'))?.grant_id ?? undefined
      if (grantId) await retryOnLockConflict(db, () => revokeGrantRows(db, grantId))
      throw new ConcurrentRedemption(this.kind, grantId)
    }

    async destroy(id: string): Promise<void> {
      await retryOnLockConflict(db, () => db<OidcPayloadRow>('oidc_payloads').where({ kind: this.kind, id }).delete())
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await retryOnLockConflict(db, () => deleteRowsOfGrant(db, grantId, this.kind))
    }

    private async findWhere(where: Partial<OidcPayloadRow>): Promise<OidcPayload | undefined> {
      const row = await db<OidcPayloadRow>('oidc_payloads')
        .where({ kind: this.kind, ...where })
        .where((query) => query.whereNull('expires_at').orWhere('expires_at', '>', Date.now()))
        .first()
      if (!row) return undefined
      const payload = JSON.parse(row.payload) as OidcPayload
      // The provider tells a spent code or rotated refresh token by `consumed` (epoch seconds).
      return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) }
    }
  }
}

/**
 * What oidc-provider's revoke() does to a grant, in storage: every token and code of it, and the grant
 * itself (tokens saved after this by a request already under way are dead without their grant).
 */
async function revokeGrantRows(db: Knex, grantId: string): Promise<void> {
  await deleteRowsOfGrant(db, grantId)
  await db<OidcPayloadRow>('oidc_payloads').where({ kind: 'Grant', id: grantId }).delete()
}

/**
 * Deletes the rows of a grant (of one model, or of all), found by a plain read of the grant_id index
 * and deleted by primary key. One DELETE ... WHERE grant_id = ? would lock its way through the
 * grant_id index (InnoDB's next-key locks, under REPEATABLE READ: the gap up to the next grant's
 * entries too) and then the rows, while a concurrent destroy() of one of those rows locks the row
 * first, and a concurrent upsert of a neighbouring grant's token waits on the gap: MariaDB answered
 * a deadlock to a few in a hundred of the provider's refresh-token-reuse revocations (six deletes at
 * once, three grants at a time), now and then more often than retryOnLockConflict tries. Deleting by
 * primary key locks only the rows deleted, in key order, as destroy() does. A row saved between the
 * read and the delete survives, as one saved just after a single DELETE would.
 */
async function deleteRowsOfGrant(db: Knex, grantId: string, kind?: string): Promise<void> {
  const rows = await db<OidcPayloadRow>('oidc_payloads')
    .where({ grant_id: grantId, ...(kind === undefined ? {} : { kind }) })
    .select('kind', 'id')
  const idsByKind = new Map<string, string[]>()
  for (const row of rows) idsByKind.set(row.kind, [...(idsByKind.get(row.kind) ?? []), row.id])
  for (const [rowKind, ids] of idsByKind) await db<OidcPayloadRow>('oidc_payloads').where({ kind: rowKind }).whereIn('id', ids).delete()
}
