/**
 * Authentication Method Reference values (RFC 8176 section 2) that Heimdall reports in the `amr`
 * claim of its access tokens, and how a login's factors map onto them.
 */
export type AmrValue = 'pwd' | 'otp' | 'hwk' | 'swk' | 'mfa' | 'fed'

/** A second factor, as the login's second step names it. */
export type SecondFactor = 'totp' | 'recovery_code' | 'passkey'

export interface PasskeyUse {
  /** A synced (multi-device, backed-up) passkey is a software-secured key; a device-bound one, hardware. */
  backedUp: boolean
  /** The authenticator verified the user (PIN or biometric): WebAuthn's UV flag. */
  userVerified: boolean
}

/** The password alone. */
export const PASSWORD_ONLY: readonly AmrValue[] = Object.freeze(['pwd'])

/**
 * A sign-in through another identity provider (docs/federation.md). RFC 8176 registers no value for
 * it, and copying the upstream's own values would make its "pwd" read as a password of this server:
 * "fed" says where the proof came from; "mfa" joins it only when the provider is trusted for its
 * multi-factor sign-ins (trust_mfa) and said it used one (domain/upstream-mfa.ts).
 */
export function amrForUpstreamSignIn(multiFactorUpstream: boolean): AmrValue[] {
  return multiFactorUpstream ? ['fed', 'mfa'] : ['fed']
}

/** Proof of possession of a key: "hwk" or "swk" (RFC 8176). */
export function keyMethod(use: PasskeyUse): AmrValue {
  return use.backedUp ? 'swk' : 'hwk'
}

/** What the second step of a sign-in followed: a password here, or another identity provider (amrForUpstreamSignIn). */
export type FirstFactor = 'pwd' | 'fed'

/**
 * A first factor (a password by default, or another identity provider), then a second factor. TOTP
 * codes and recovery codes are both one-time passwords ("otp"); two different factors make it "mfa".
 */
export function amrForSecondStep(factor: SecondFactor, passkey?: PasskeyUse, first: FirstFactor = 'pwd'): AmrValue[] {
  return [first, factor === 'passkey' ? keyMethod(passkey!) : 'otp', 'mfa']
}

/**
 * A passkey alone. With user verification it is a multi-factor authenticator (something you have,
 * unlocked by something you know or are: NIST SP 800-63B section 5.1.8), so "mfa" too; without it,
 * a single factor.
 */
export function amrForPasskeyLogin(use: PasskeyUse): AmrValue[] {
  return use.userVerified ? [keyMethod(use), 'mfa'] : [keyMethod(use)]
}

/** Stored with the session (space-separated), so a refreshed token carries the same amr. */
export function serializeAmr(amr: readonly string[]): string {
  return amr.join(' ')
}

export function parseAmr(stored: string | null | undefined): string[] {
  return stored ? stored.split(' ').filter((value) => value !== '') : []
}
