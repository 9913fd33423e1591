import bcrypt from 'bcrypt'
import { MAX_PASSWORD_BYTES } from '../domain/password-policy.js'
import { validationError } from '../errors.js'

export type PasswordHasher = ReturnType<typeof createPasswordHasher>

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/**
 * bcrypt reads only 72 bytes: a longer password is never hashed (validation.failed) and never
 * matches, so no tail is ignored. bcrypt's async API runs on libuv's thread pool, never on the
 * event loop's thread.
 */
export function createPasswordHasher(cost: number) {
  let decoyHash: Promise<string> | undefined

  return {
    /** Throws validation.failed over 72 bytes, whatever the caller checked. */
    hash(password: string): Promise<string> {
      if (utf8Bytes(password) > MAX_PASSWORD_BYTES) {
        return Promise.reject(
          validationError([{ loc: ['body', 'password'], msg: `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8`, type: 'value_error.password' }]),
        )
      }
      return bcrypt.hash(password, cost)
    },

    async verify(password: string, hash: string): Promise<boolean> {
      return utf8Bytes(password) <= MAX_PASSWORD_BYTES && bcrypt.compare(password, hash)
    },

    /** Spends the time of a real comparison when the user does not exist, so timing does not tell. */
    async verifyDecoy(password: string): Promise<false> {
      decoyHash ??= bcrypt.hash('decoy password that matches nothing', cost)
      if (utf8Bytes(password) <= MAX_PASSWORD_BYTES) await bcrypt.compare(password, await decoyHash)
      return false
    },
  }
}
