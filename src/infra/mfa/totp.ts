import { NobleCryptoPlugin, ScureBase32Plugin, TOTP } from 'otplib'

/**
 * RFC 6238 TOTP as authenticator apps expect it: SHA-1, 6 digits, 30 s steps, 160-bit secrets
 * (RFC 4226 section 4 recommends 160 bits), through otplib.
 */
const PERIOD_SECONDS = 30
const totp = new TOTP({ algorithm: 'sha1', digits: 6, period: PERIOD_SECONDS, crypto: new NobleCryptoPlugin(), base32: new ScureBase32Plugin() })

/** A fresh Base32 secret (32 characters, 160 bits). */
export function generateTotpSecret(): string {
  return totp.generateSecret()
}

/** The otpauth:// URI authenticator apps read from the QR code (Key Uri Format). */
export function totpUri(secret: string, issuer: string, accountName: string): string {
  return totp.toURI({ secret, issuer, label: accountName })
}

/**
 * The time step of `code` if it is right one step either side of `nowMs` (RFC 6238 section 5.2) and
 * later than `afterStep` (replay: a step already used never counts again); otherwise null.
 */
export async function verifyTotp(secret: string, code: string, nowMs: number, afterStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null
  const result = await totp.verify(code, {
    secret,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: PERIOD_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  })
  return result.valid ? result.timeStep : null
}

/** The QR code of an otpauth URI as an SVG document (no script, no external reference). */
export async function totpQrSvg(uri: string): Promise<string> {
  // Loaded on the first enrolment: with pngjs it cost every process about 0.1 s of CPU at start.
  const { default: QRCode } = await import('qrcode')
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}
