import { Flags } from '@oclif/core'
import { validationError } from '../../errors.js'
import type { FirebaseHashConfig } from '../../infra/passwords/firebase-scrypt.js'
import { integerFlag } from '../integer-input.js'

const TOGETHER = ['firebase-signer-key', 'firebase-salt-separator', 'firebase-rounds', 'firebase-mem-cost']

/** A Firebase project's "Password hash parameters" (console: Authentication, Users, ⋮), all four together. */
export const FIREBASE_FLAGS = {
  'firebase-signer-key': Flags.string({ description: 'Firebase hash parameter base64_signer_key', dependsOn: TOGETHER, helpGroup: 'FIREBASE' }),
  'firebase-salt-separator': Flags.string({ description: 'Firebase hash parameter base64_salt_separator', dependsOn: TOGETHER, helpGroup: 'FIREBASE' }),
  'firebase-rounds': integerFlag({ description: 'Firebase hash parameter rounds', min: 1, max: 16, dependsOn: TOGETHER, helpGroup: 'FIREBASE' }),
  'firebase-mem-cost': integerFlag({ description: 'Firebase hash parameter mem_cost', min: 1, max: 20, dependsOn: TOGETHER, helpGroup: 'FIREBASE' }),
}

/** The parameters of the flags, or undefined when none is given; validation.failed for bad base64. */
export function firebaseConfigOf(flags: { 'firebase-signer-key'?: string; 'firebase-salt-separator'?: string; 'firebase-rounds'?: number; 'firebase-mem-cost'?: number }): FirebaseHashConfig | undefined {
  const signerKey = flags['firebase-signer-key']
  const saltSeparator = flags['firebase-salt-separator']
  if (signerKey === undefined || saltSeparator === undefined || flags['firebase-rounds'] === undefined || flags['firebase-mem-cost'] === undefined) return undefined
  const decoded = [signerKey, saltSeparator].map((text) => (/^[A-Za-z0-9+/]*={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined))
  if (!decoded[0] || decoded[0].length === 0 || !decoded[1]) {
    throw validationError([{ loc: ['--firebase-signer-key'], msg: '--firebase-signer-key and --firebase-salt-separator are base64, as the Firebase console shows them', type: 'value_error' }])
  }
  return { signerKey: decoded[0], saltSeparator: decoded[1], rounds: flags['firebase-rounds'], memCost: flags['firebase-mem-cost'] }
}
