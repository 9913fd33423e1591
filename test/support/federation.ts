import type { TestServer } from './server.js'

/** Marks a user's address proven, as a verification link would. */
export async function markEmailVerifiedForTest(server: TestServer, userId: string): Promise<void> {
  await server.context.users.updateUserEmailVerified(userId, Date.now())
}
