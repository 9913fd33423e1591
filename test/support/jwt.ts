import jwt from 'jsonwebtoken'
import { TEST_SECRET } from './server.js'

/** The claims of a JWT, read without verifying: for tests that need the sid or exp of a token. */
export function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'))
}

/** A token with the claims of `token` changed by `overrides`, signed with the test secret (e.g. already expired). */
export function signWith(token: string, overrides: Record<string, unknown>): string {
  return jwt.sign({ ...claimsOf(token), ...overrides }, TEST_SECRET, { algorithm: 'HS256' })
}
