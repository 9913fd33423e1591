import { HeimdallError } from '../../../errors.js'

/**
 * The credential a passkey button's script put into its form field, as JSON (passkey-script.ts), for
 * a sign-in, a second step or a new passkey alike. The use case and the request schema check its
 * contents; this only reads it.
 *
 * Throws passkey.invalid_response (400) when the field is empty or not a JSON object: the form was
 * sent without the script (or by something else than the button).
 */
export function passkeyAnswerOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // reported below
  }
  throw new HeimdallError('passkey.invalid_response', 'The passkey answer is missing or not JSON: use the passkey button')
}
