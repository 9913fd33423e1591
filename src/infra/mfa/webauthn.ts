import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server'

let library: Promise<typeof import('@simplewebauthn/server')> | undefined
/**
 * @simplewebauthn/server, loaded on the first ceremony: with its ASN.1 and X.509 dependencies it is a
 * fifth of what loading Heimdall costs (0.3 to 0.4 s of CPU here), which every `serve`, every CLI
 * command and every test file paid whether or not anyone used a passkey.
 */
const simpleWebAuthn = () => (library ??= import('@simplewebauthn/server'))

export type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON }

/** How long a WebAuthn ceremony may take (milliseconds, as WebAuthn's `timeout` counts). */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000

/** The relying party (WebAuthn L2 section 5.1.2): its id is the public URL's host name, its origin that URL's origin. */
export interface RelyingParty {
  id: string
  origin: string
  name: string
}

export function relyingPartyOf(publicUrl: string, name: string): RelyingParty {
  const url = new URL(publicUrl)
  return { id: url.hostname, origin: url.origin, name }
}

/** Creation options for a resident (discoverable) credential, so the passkey can log in without an email. */
export async function registrationOptions(
  rp: RelyingParty,
  user: { id: string; email: string },
  exclude: Array<{ credentialId: string; transports: string[] }>,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await simpleWebAuthn()
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userID: new TextEncoder().encode(user.id),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: exclude.map((credential) => ({ id: credential.credentialId, transports: credential.transports as AuthenticatorTransport[] })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  })
}

export async function authenticationOptions(
  rp: RelyingParty,
  allow: Array<{ credentialId: string; transports: string[] }> | undefined,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await simpleWebAuthn()
  return generateAuthenticationOptions({
    rpID: rp.id,
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: 'preferred',
    allowCredentials: allow?.map((credential) => ({ id: credential.credentialId, transports: credential.transports as AuthenticatorTransport[] })),
  })
}

export interface NewCredential {
  credentialId: string
  /** COSE public key, base64url. */
  publicKey: string
  signCount: number
  transports: string[]
  deviceType: string
  backedUp: boolean
}

/** Verifies an attestation against the challenge issued; undefined when it does not check out. Throws on malformed input. */
export async function verifyRegistration(rp: RelyingParty, response: RegistrationResponseJSON, challenge: string): Promise<NewCredential | undefined> {
  const { verifyRegistrationResponse } = await simpleWebAuthn()
  const result = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false })
  if (!result.verified) return undefined
  const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo
  return {
    credentialId: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    signCount: credential.counter,
    transports: credential.transports ?? response.response.transports ?? [],
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
  }
}

export interface VerifiedAssertion {
  newSignCount: number
  userVerified: boolean
  backedUp: boolean
}

/**
 * Verifies an assertion's signature, challenge, origin and rp id. The signature counter is NOT
 * compared here (the library is given 0): the caller compares it with the stored one and moves it
 * atomically, so that a clone or a parallel replay is caught and audited in one place.
 */
export async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  credential: { credentialId: string; publicKey: string; transports: string[] },
): Promise<VerifiedAssertion | undefined> {
  const { verifyAuthenticationResponse } = await simpleWebAuthn()
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: {
      id: credential.credentialId,
      publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
      counter: 0,
      transports: credential.transports as AuthenticatorTransport[],
    },
    requireUserVerification: false,
  })
  if (!result.verified) return undefined
  const info = result.authenticationInfo
  return { newSignCount: info.newCounter, userVerified: info.userVerified, backedUp: info.credentialBackedUp }
}

/** The challenge a response answers, read from its clientDataJSON; undefined when unreadable. */
export function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string | undefined {
  const encoded = response.response?.clientDataJSON
  if (typeof encoded !== 'string') return undefined
  try {
    const clientData: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
    const challenge = (clientData as { challenge?: unknown } | null)?.challenge
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 512 ? challenge : undefined
  } catch {
    return undefined
  }
}
