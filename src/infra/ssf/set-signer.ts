import type { KeyObject } from 'node:crypto'
import type { AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'
import { HeimdallError } from '../../errors.js'
import { signJws } from '../tokens/jws.js'
import type { SigningKeyStore } from '../tokens/signing-key-store.js'

/** How long a process signs with the key it found before looking again (keys:rotate run elsewhere). */
const KEY_RECHECK_MS = 5_000

interface Signer {
  kid: string
  privateKey: KeyObject
  checkedAt: number
}

const signers = new WeakMap<SigningKeyStore, Signer>()

/**
 * Signs Security Event Tokens (RFC 8417, typ `secevent+jwt`, SSF 1.0 section 4) with Heimdall's
 * newest active key of `alg`: one of the keys /.well-known/jwks.json publishes, so a receiver verifies
 * SETs with the keys it already has for access tokens. Creates the key on first use as the token
 * service does. Throws HeimdallError('internal') when no private key can be loaded.
 */
export async function signSecurityEvent(store: SigningKeyStore, alg: AsymmetricAlg, claims: Record<string, unknown>, now: number): Promise<string> {
  let signer = signers.get(store)
  if (!signer || Date.now() - signer.checkedAt > KEY_RECHECK_MS) {
    await store.ensureActive(alg, now)
    const active = (await store.published(now)).filter((row) => row.alg === alg && row.retired_at === null && row.private_key_encrypted !== null).at(-1)
    if (!active) throw new HeimdallError('internal', `No active ${alg} signing key to sign security events with`)
    signer = signer?.kid === active.kid ? { ...signer, checkedAt: Date.now() } : { kid: active.kid, privateKey: await store.privateKeyOf(active), checkedAt: Date.now() }
    signers.set(store, signer)
  }
  return signJws({ alg, kid: signer.kid, typ: 'secevent+jwt' }, claims, signer.privateKey)
}
