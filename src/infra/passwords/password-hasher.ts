import { availableParallelism } from 'node:os'
import type { Config } from '../../config.js'
import type { PasswordAlgorithm } from '../../domain/password-algorithms.js'
import { MAX_PASSWORD_BYTES, normalizePassword } from '../../domain/password-policy.js'
import { validationError } from '../../errors.js'
import { argon2PartsOf, argon2idHash, type Argon2Cost } from './argon2.js'
import { bcryptCostOf, bcryptHash } from './bcrypt.js'
import { hashKindOf } from './hash-kinds.js'
import { createHashingQueue } from './hashing-queue.js'

export type PasswordHasher = ReturnType<typeof createPasswordHasher>


/** How new passwords are hashed, and how much hashing may run and wait at once. */
export interface HashPolicy {
  algorithm: PasswordAlgorithm
  bcryptCost: number
  argon2: Argon2Cost
  /** Hashes at once (default: the machine's cores). */
  concurrency?: number
  /** Hashes that may wait for a turn before password.hashing_busy (503). */
  maxWaiting: number
}

/**
 * How a password compares with a stored hash: `legacy` when it matched only as typed (the hash
 * predates normalisation), `outdated` when it matched but the hash is not of the configured
 * algorithm and cost (an imported hash, a setting changed): both are replaced on a sign-in.
 */
export type PasswordCheck = 'match' | 'legacy' | 'outdated' | 'mismatch'

/** The policy the settings describe (HEIMDALL_PASSWORD_HASH, HEIMDALL_BCRYPT_COST, HEIMDALL_ARGON2_*, HEIMDALL_PASSWORD_HASH_QUEUE). */
export function hashPolicyOf(config: Pick<Config, 'passwordHash' | 'bcryptCost' | 'argon2MemoryKib' | 'argon2Iterations' | 'argon2Parallelism' | 'passwordHashQueue'>): HashPolicy {
  return {
    algorithm: config.passwordHash,
    bcryptCost: config.bcryptCost,
    argon2: { memoryKib: config.argon2MemoryKib, iterations: config.argon2Iterations, parallelism: config.argon2Parallelism },
    maxWaiting: config.passwordHashQueue,
  }
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/**
 * Hashes new passwords with the configured algorithm (bcrypt or argon2id, over the NFKC-normalised
 * password, at most 72 bytes of it: domain/password-policy.ts) and checks stored hashes of every
 * kind by their own prefix (hash-kinds.ts). Every hash and check takes a turn in one bounded queue
 * (hashing-queue.ts), so a burst of sign-ins answers 503 rather than exhausting memory or threads.
 */
export function createPasswordHasher(policy: HashPolicy) {
  const queue = createHashingQueue({ concurrency: policy.concurrency ?? availableParallelism(), maxWaiting: policy.maxWaiting })
  let decoyHash: Promise<string> | undefined

  function makeHash(normalized: string): Promise<string> {
    return queue.run(() => (policy.algorithm === 'argon2id' ? argon2idHash(normalized, policy.argon2) : bcryptHash(normalized, policy.bcryptCost)))
  }

  /** Whether a stored hash is what the settings would make now: same algorithm, same cost. */
  function isCurrent(hash: string): boolean {
    // $2a$ and $2y$ (other implementations' prefixes, $2a$ with a history of 8-bit bugs) become the $2b$ bcrypt writes.
    if (policy.algorithm === 'bcrypt') return hash.startsWith('$2b$') && bcryptCostOf(hash) === policy.bcryptCost
    const parts = argon2PartsOf(hash)
    const cost = policy.argon2
    return parts?.type === 'argon2id' && parts.version === 19 && parts.memoryKib === cost.memoryKib && parts.iterations === cost.iterations && parts.parallelism === cost.parallelism
  }

  async function compare(form: string, hash: string): Promise<boolean> {
    const kind = hashKindOf(hash)
    if (!kind || (kind.maxPasswordBytes !== undefined && utf8Bytes(form) > kind.maxPasswordBytes)) return false
    return queue.run(() => kind.verify(form, hash))
  }

  async function check(password: string, hash: string): Promise<PasswordCheck> {
    const normalized = normalizePassword(password)
    if (!hashKindOf(hash)) {
      // Unknown or no hash: spend a comparison anyway, so timing does not tell.
      await verifyDecoy(password)
      return 'mismatch'
    }
    if (await compare(normalized, hash)) return isCurrent(hash) ? 'match' : 'outdated'
    if (password !== normalized && (await compare(password, hash))) return 'legacy'
    return 'mismatch'
  }

  /** Spends the time of a real check when the user does not exist, so timing does not tell. */
  async function verifyDecoy(password: string): Promise<false> {
    decoyHash ??= makeHash('decoy password that matches nothing')
    const hash = await decoyHash.catch((error: unknown) => {
      decoyHash = undefined // a refusal (queue full) must not stick
      throw error
    })
    const normalized = normalizePassword(password)
    for (const form of [normalized, password].filter((form, index) => index === 0 || form !== normalized)) await compare(form, hash)
    return false
  }

  return {
    /** Hashes the normalised password; throws validation.failed over 72 bytes, password.hashing_busy when the queue is full. */
    hash(password: string): Promise<string> {
      const normalized = normalizePassword(password)
      if (utf8Bytes(normalized) > MAX_PASSWORD_BYTES) {
        return Promise.reject(
          validationError([{ loc: ['password'], msg: `Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 after normalisation`, type: 'value_error.password' }]),
        )
      }
      return makeHash(normalized)
    },

    check,

    /** True for any match: for callers that only need yes or no and never rehash. */
    async verify(password: string, hash: string): Promise<boolean> {
      return (await check(password, hash)) !== 'mismatch'
    },

    verifyDecoy,

    /** The algorithm new hashes are made with. */
    algorithm: policy.algorithm,
  }
}
