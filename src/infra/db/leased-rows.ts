import type { Knex } from 'knex'

/**
 * The rows of a leased work queue (the mail outbox, webhook deliveries) that a worker may claim at
 * `now` (milliseconds): pending and due (`next_attempt_at` reached), or `sending` under a lease
 * (`claimed_until`) that has run out, its worker presumably dead. Narrows `builder` in place.
 */
export function whereClaimable(builder: Knex.QueryBuilder, now: number): Knex.QueryBuilder {
  return builder.where((due) =>
    due
      .where((pending) => pending.where('status', 'pending').where('next_attempt_at', '<=', now))
      .orWhere((abandoned) => abandoned.where('status', 'sending').where('claimed_until', '<', now)),
  )
}
