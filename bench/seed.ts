import { randomUUID } from 'node:crypto'
import type { Context } from '../src/context.js'
import { migrateLatest } from '../src/infra/db/migrate.js'

export const BENCH_PASSWORD = 'Bench-Password-42'

export interface Seeded {
  emails: string[]
  /** One live access token per session, all distinct. */
  tokens: string[]
}

/**
 * Real users with real sessions, written in bulk: logging in 10,000 users over HTTP would spend
 * minutes in bcrypt before measuring anything. Tokens are signed by the server's own token service.
 */
export async function seed(ctx: Context, users: number, sessionsPerUser: number): Promise<Seeded> {
  await migrateLatest(ctx.db)
  // The context's own hasher: bcrypt or argon2id, at the cost its settings say.
  const passwordHash = await ctx.passwords.hash(BENCH_PASSWORD)
  const { id: roleId } = await ctx.db('roles').where({ name: 'user' }).first('id')
  const now = Date.now()
  const userRows = Array.from({ length: users }, (_, i) => ({
    id: randomUUID(),
    email: `bench-${i}-${now}@example.com`,
    password_hash: passwordHash,
    disabled: false,
    created_at: now,
    updated_at: now,
  }))
  await ctx.db.batchInsert('users', userRows, 500)
  await ctx.db.batchInsert('user_roles', userRows.map((user) => ({ user_id: user.id, role_id: roleId })), 500)

  const sessionRows = userRows.flatMap((user) =>
    Array.from({ length: sessionsPerUser }, () => ({ id: randomUUID(), user_id: user.id, created_at: now, expires_at: now + 86_400_000 })),
  )
  await ctx.db.batchInsert('sessions', sessionRows, 500)
  const emailOf = new Map(userRows.map((user) => [user.id, user.email]))
  const tokens = await Promise.all(
    sessionRows.map(
      async (session) =>
        (await ctx.tokens.sign({ sub: session.user_id, sid: session.id, email: emailOf.get(session.user_id)!, email_verified: false, permissions: ['session:read', 'user:read'] }, { sessionEndsAt: session.expires_at }))
          .token,
    ),
  )
  return { emails: userRows.map((user) => user.email), tokens }
}
