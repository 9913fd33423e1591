import bcrypt from 'bcrypt'

export type PasswordHasher = ReturnType<typeof createPasswordHasher>

/** bcrypt's async API runs on libuv's thread pool, never on the event loop's thread. */
export function createPasswordHasher(cost: number) {
  let decoyHash: Promise<string> | undefined

  return {
    hash(password: string): Promise<string> {
      return bcrypt.hash(password, cost)
    },

    verify(password: string, hash: string): Promise<boolean> {
      return bcrypt.compare(password, hash)
    },

    /** Spends the time of a real comparison when the user does not exist, so timing does not tell. */
    async verifyDecoy(password: string): Promise<false> {
      decoyHash ??= bcrypt.hash('decoy password that matches nothing', cost)
      await bcrypt.compare(password, await decoyHash)
      return false
    },
  }
}
