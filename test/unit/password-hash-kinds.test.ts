import test from 'ava'
import { firebaseHash, firebaseStoredHash, FIREBASE_SCRYPT_KIND } from '../../src/infra/passwords/firebase-scrypt.js'
import { hashKindOf, hashProblem } from '../../src/infra/passwords/hash-kinds.js'
import { NO_PASSWORD } from '../../src/domain/no-password.js'

// github.com/firebase/scrypt's README: the project's parameters and one user's salt, password and hash.
const VECTOR = {
  signerKey: Buffer.from('jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==', 'base64'),
  saltSeparator: Buffer.from('Bw==', 'base64'),
  rounds: 8,
  memCost: 14,
}
const SALT = Buffer.from('42xEC+ixf3L2lw==', 'base64')
const HASH = 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=='

test('Firebase scrypt reproduces the published test vector, and its stored form checks on its own', async (t) => {
  t.is((await firebaseHash(VECTOR, SALT, 'user1password')).toString('base64'), HASH)
  const stored = firebaseStoredHash(VECTOR, SALT, Buffer.from(HASH, 'base64'))
  t.is(hashProblem(stored), undefined)
  t.true(await FIREBASE_SCRYPT_KIND.verify('user1password', stored))
  t.false(await FIREBASE_SCRYPT_KIND.verify('user1passwore', stored))
})

test('each hash is recognised by its prefix; unknown prefixes and malformed hashes are named', (t) => {
  const kinds = {
    '$2a$10$abcdefghijklmnopqrstuu': 'bcrypt',
    '$2y$10$x': 'bcrypt',
    '$argon2id$v=19$m=1,t=1,p=1$x$y': 'argon2',
    '$argon2d$v=19$m=1,t=1,p=1$x$y': 'argon2',
    '$scrypt$ln=1,r=1,p=1$x$y': 'scrypt',
    'pbkdf2_sha512$1$s$h': 'pbkdf2',
    '$pbkdf2-sha256$1$s$h': 'pbkdf2',
    '$firebase-scrypt$x': 'firebase-scrypt',
  }
  for (const [hash, kind] of Object.entries(kinds)) t.is(hashKindOf(hash)?.name, kind, hash)
  for (const unknown of ['$1$salt$hash', '$5$rounds=5000$x', 'sha1$salt$hash', 'plaintext', NO_PASSWORD, '']) {
    t.is(hashKindOf(unknown), undefined, unknown)
    t.regex(hashProblem(unknown)!, /unknown hash format/)
  }
  t.regex(hashProblem('$2b$10$short')!, /bcrypt hash is/)
  t.regex(hashProblem('$scrypt$ln=30,r=8,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA')!, /out of range|more than/)
  t.regex(hashProblem('pbkdf2_sha256$99999999$salt$aGFzaGhhc2hoYXNoaGFzaA==')!, /iterations/)
  // "A" is base64 for no bytes: an empty signer key encrypts to an empty hash, which every password matched.
  t.regex(hashProblem('$firebase-scrypt$ln=1,r=1$$A$A$A')!, /at least 16 bytes/)
  t.regex(hashProblem('$firebase-scrypt$ln=1,r=1$$QQ$c2FsdA$QQ')!, /at least 16 bytes/)
})

test('an empty expected hash matches no password, whatever its kind says of it', async (t) => {
  const empty = { signerKey: Buffer.alloc(0), saltSeparator: Buffer.alloc(0), rounds: 1, memCost: 1 }
  const stored = firebaseStoredHash(empty, Buffer.from('salt'), Buffer.alloc(0))
  t.false(await FIREBASE_SCRYPT_KIND.verify('any password', stored).catch(() => false))
})
