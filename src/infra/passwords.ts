import bcrypt from 'bcrypt'
import { MAX_PASSWORD_BYTES, normalizePassword } from '../domain/password-policy.js'
import { validationError } from '../errors.js'

export type PasswordHasher = ReturnType<typeof createPasswordHasher>

/**
 * How a password compares with a stored hash: `legacy` when it matched only as typed, i.e. the hash
 * predates normalisation and should be replaced by a hash of the normalised form.
 */
export type PasswordCheck = 'match' | 'legacy' | 'mismatch'

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/**
 * bcrypt over the NFKC-normalised password (domain/password-policy.ts). bcrypt reads only 72 bytes:
 * a longer password is never hashed (validation.failed) and never matches, so no tail is ignored.
 * bcrypt's async API runs on libuv's thread pool, never on the event loop's thread.
 */
export function createPasswordHasher(cost: number) {
  let decoyHash: Promise<string> | undefined

  /** The forms a password is compared in: the normalised one, then as typed for hashes made before normalisation. */
  function candidates(password: string): string[] {
    const normalized = normalizePassword(password)
    return [normalized, password].filter((form, index) => utf8Bytes(form) <= MAX_PASSWORD_BYTES && (index === 0 || form !== normalized))
  }

  async function check(password: string, hash: string): Promise<PasswordCheck> {
    const [normalized, typed] = [normalizePassword(password), password]
    if (utf8Bytes(normalized) <= MAX_PASSWORD_BYTES && (await bcrypt.compare(normalized, hash))) return 'match'
    if (typed !== normalized && utf8Bytes(typed) <= MAX_PASSWORD_BYTES && (await bcrypt.compare(typed, hash))) return 'legacy'
    return 'mismatch'
  }

  return {
    /** Hashes the normalised password; throws validation.failed over 72 bytes, whatever the caller checked. */
    hash(password: string): Promise<string> {
      const normalized = normalizePassword(password)
      if (utf8Bytes(normalized) > MAX_PASSWORD_BYTES) {
        return Promise.reject(
          validationError([{ loc: ['password'], msg: `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 after normalisation`, type: 'value_error.password' }]),
        )
      }
      return bcrypt.hash(normalized, cost)
    },

    check,

    /** True for `match` and `legacy`: for callers that only need yes or no and never rehash. */
    async verify(password: string, hash: string): Promise<boolean> {
      return (await check(password, hash)) !== 'mismatch'
    },

    /** Spends the time of a real check when the user does not exist, so timing does not tell. */
    async verifyDecoy(password: string): Promise<false> {
      decoyHash ??= bcrypt.hash('decoy password that matches nothing', cost)
      const hash = await decoyHash
      for (const form of candidates(password)) await bcrypt.compare(form, hash)
      return false
    },
  }
}
