import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { isoCBOR } from '@simplewebauthn/server/helpers'
import type { Body } from './api-client.js'

/**
 * A WebAuthn authenticator in software (attestation "none", ES256 on P-256), for API tests of passkeys
 * without a browser: it answers creation and request options the way a platform authenticator does,
 * so the server's real verification (challenge, origin, rp id hash, signature, counter) runs on it.
 * Signature counters start at 0 and advance by one per assertion, unless `signCount` is forced (a clone).
 */
export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(32)
  private readonly privateKey: KeyObject
  private readonly publicKey: KeyObject
  signCount = 0
  /** The user handle (WebAuthn user.id) remembered at creation, for discoverable-credential assertions. */
  private userHandle: string | undefined

  constructor(
    readonly origin: string,
    readonly options: { userVerified?: boolean; backedUp?: boolean } = {},
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    this.privateKey = pair.privateKey
    this.publicKey = pair.publicKey
  }

  get id(): string {
    return this.credentialId.toString('base64url')
  }

  /** navigator.credentials.create() with these creation options, as JSON. */
  create(options: Body): Record<string, unknown> {
    this.userHandle = options.user.id
    const rpId = options.rp.id ?? new URL(this.origin).hostname
    const clientDataJSON = this.clientData('webauthn.create', options.challenge)
    const jwk = this.publicKey.export({ format: 'jwk' })
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ])
    const attested = Buffer.concat([Buffer.alloc(16), u16(this.credentialId.length), this.credentialId, Buffer.from(isoCBOR.encode(coseKey))])
    const authData = Buffer.concat([this.authDataHead(rpId, 0x40), attested])
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never)
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64(clientDataJSON), attestationObject: b64(Buffer.from(attestationObject)), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  /** navigator.credentials.get() with these request options, as JSON; the counter advances first. */
  get(options: Body, overrides: { origin?: string; signCount?: number } = {}): Record<string, unknown> {
    this.signCount = overrides.signCount ?? this.signCount + 1
    const rpId = options.rpId ?? new URL(this.origin).hostname
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides.origin)
    const authenticatorData = this.authDataHead(rpId, 0)
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.privateKey)
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authenticatorData),
        signature: b64(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    }
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }))
  }

  /** rpIdHash, flags (UP, UV, BE/BS as configured, plus `extra`), signCount. */
  private authDataHead(rpId: string, extra: number): Buffer {
    const userVerified = this.options.userVerified ?? true
    const backedUp = this.options.backedUp ?? false
    const flags = 0x01 | (userVerified ? 0x04 : 0) | (backedUp ? 0x08 | 0x10 : 0) | extra
    const counter = Buffer.alloc(4)
    counter.writeUInt32BE(this.signCount)
    return Buffer.concat([sha256(Buffer.from(rpId)), Buffer.from([flags]), counter])
  }
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest()
}

function b64(data: Buffer): string {
  return data.toString('base64url')
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2)
  buffer.writeUInt16BE(value)
  return buffer
}
