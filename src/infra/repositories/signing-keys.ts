import type { Knex } from 'knex'
import type { SigningKeyRow } from '../db/tables.js'

export type SigningKeysRepository = ReturnType<typeof createSigningKeysRepository>

const COLUMNS = ['kid', 'alg', 'public_jwk', 'private_key_encrypted', 'created_at', 'retired_at', 'published_until', 'signed_until'] as const

export function createSigningKeysRepository(db: Knex) {
  return {
    async insertSigningKey(row: SigningKeyRow): Promise<void> {
      await db<SigningKeyRow>('signing_keys').insert(row)
    },

    /** Every key, oldest first, expired ones included. */
    async findSigningKeys(): Promise<SigningKeyRow[]> {
      return (await db<SigningKeyRow>('signing_keys').select(...COLUMNS).orderBy([{ column: 'created_at' }, { column: 'kid' }])).map(normalise)
    },

    /** Keys that still sign or verify: active ones, and retired ones whose publication has not ended. */
    async findPublishedSigningKeys(now: number): Promise<SigningKeyRow[]> {
      const rows = await db<SigningKeyRow>('signing_keys')
        .select(...COLUMNS)
        .whereNull('retired_at')
        .orWhere('published_until', '>', now)
        .orderBy([{ column: 'created_at' }, { column: 'kid' }])
      return rows.map(normalise)
    },

    /** Keys not retired, oldest first. */
    async findActiveSigningKeys(): Promise<SigningKeyRow[]> {
      const rows = await db<SigningKeyRow>('signing_keys')
        .select(...COLUMNS)
        .whereNull('retired_at')
        .orderBy([{ column: 'created_at' }, { column: 'kid' }])
      return rows.map(normalise)
    },

    /**
     * Replaces a sealed private key by the same key sealed again, only if the row still holds `from`
     * (not retired and erased meanwhile). Answers whether it was replaced.
     */
    async updateSigningKeyPrivateKey(kid: string, from: string, to: string): Promise<boolean> {
      return (await db<SigningKeyRow>('signing_keys').where({ kid, private_key_encrypted: from }).update({ private_key_encrypted: to })) > 0
    },

    /** Stops a key signing; its private key is no longer needed, so it is erased. Answers whether it was active. */
    async retireSigningKey(kid: string, retiredAt: number, publishedUntil: number): Promise<boolean> {
      const updated = await db<SigningKeyRow>('signing_keys')
        .where({ kid })
        .whereNull('retired_at')
        .update({ retired_at: retiredAt, published_until: publishedUntil, private_key_encrypted: null })
      return updated > 0
    },

    /**
     * Records that `kid` signed a token valid until `signedUntil`, longer than the usual lifetime; a key
     * already retired stays published at least until `publishedUntil`.
     */
    async updateSigningKeySignedUntil(kid: string, signedUntil: number, publishedUntil: number): Promise<void> {
      await db<SigningKeyRow>('signing_keys')
        .where({ kid })
        .where((where) => where.whereNull('signed_until').orWhere('signed_until', '<', signedUntil))
        .update({ signed_until: signedUntil })
      await db<SigningKeyRow>('signing_keys')
        .where({ kid })
        .whereNotNull('retired_at')
        .where('published_until', '<', publishedUntil)
        .update({ published_until: publishedUntil })
    },
  }
}

/** MySQL answers BIGINT columns as strings. */
function normalise(row: SigningKeyRow): SigningKeyRow {
  const toNumber = (value: number | string | null) => (value === null ? null : Number(value))
  return {
    ...row,
    created_at: Number(row.created_at),
    retired_at: toNumber(row.retired_at),
    published_until: toNumber(row.published_until),
    signed_until: toNumber(row.signed_until),
  }
}
