import { NO_PASSWORD } from '../../domain/no-password.js'
import type { UserRecord } from '../../domain/user-record.js'
import { decodeBase64 } from '../../infra/passwords/encoding.js'
import { firebaseStoredHash, type FirebaseHashConfig } from '../../infra/passwords/firebase-scrypt.js'
import { hashProblem } from '../../infra/passwords/hash-kinds.js'

/**
 * The password hash to store for an imported record, or why it cannot be: a hash of a kind Heimdall
 * checks (infra/passwords/hash-kinds.ts) as it is; a Firebase hash (password_hash and password_salt
 * in base64, as `firebase auth:export` writes them) with the project's parameters given to the
 * import; none (absent or null) as an account without a password, whose holder sets one by a reset.
 */
export function importedHash(record: UserRecord, firebase: FirebaseHashConfig | undefined): { hash: string } | { problem: string } {
  if (record.passwordHash === undefined) {
    return record.passwordSalt === undefined ? { hash: NO_PASSWORD } : { problem: 'password_salt: given without a password_hash' }
  }
  if (record.passwordSalt !== undefined) {
    if (!firebase) return { problem: 'password_salt: a Firebase hash needs the project\'s --firebase-signer-key, --firebase-salt-separator, --firebase-rounds and --firebase-mem-cost' }
    const [salt, hash] = [decodeBase64(record.passwordSalt), decodeBase64(record.passwordHash)]
    if (!salt || !hash || salt.length === 0) return { problem: 'password_hash, password_salt: base64, as firebase auth:export writes them' }
    if (hash.length !== firebase.signerKey.length) return { problem: `password_hash: ${hash.length} bytes, but a Firebase hash is as long as the signer key (${firebase.signerKey.length})` }
    return { hash: firebaseStoredHash(firebase, salt, hash) }
  }
  const problem = hashProblem(record.passwordHash)
  return problem ? { problem: `password_hash: ${problem}` } : { hash: record.passwordHash }
}
