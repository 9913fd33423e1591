import type { Context } from '../../context.js'
import type { FirstFactor, SecondFactor } from '../../domain/amr.js'
import { challengeHash, ENROLLMENT_TOKEN_PREFIX, generateChallengeToken, MFA_TOKEN_PREFIX } from '../../infra/mfa/challenge-token.js'
import { findEnrolledFactors, hasSecondFactor, secondFactorMethods } from './factors.js'

/** How long the second step of a login may take after the password (seconds). */
export const MFA_TOKEN_TTL_SECONDS = 300
/** How long a user made to enrol has to set up a factor (seconds): scanning a QR code takes a while. */
export const ENROLLMENT_TOKEN_TTL_SECONDS = 600

export interface MfaRequired {
  kind: 'mfa_required'
  /** Single use, bound to the user and to this password step; spent by a successful second step. */
  mfaToken: string
  methods: SecondFactor[]
  expiresIn: number
}

export interface EnrollmentRequired {
  kind: 'mfa_enrollment_required'
  /** Allows only TOTP setup and confirmation and passkey registration, as a Bearer token. */
  enrollmentToken: string
  methods: Array<'totp' | 'passkey'>
  expiresIn: number
}

export type SecondStep = MfaRequired | EnrollmentRequired

/**
 * The purposes of an mfa_token's challenge row, by the first factor it followed: the session the second
 * step opens says which (amrForSecondStep), without a column of its own.
 */
const MFA_LOGIN_PURPOSE_OF: Record<FirstFactor, string> = { pwd: 'mfa_login', fed: 'mfa_login_fed' }
/** Every purpose an mfa_token's challenge may have. */
export const MFA_LOGIN_PURPOSES: readonly string[] = Object.freeze(Object.values(MFA_LOGIN_PURPOSE_OF))

/** The first factor an mfa_token's challenge followed, from its purpose. */
export function firstFactorOf(purpose: string): FirstFactor {
  return purpose === MFA_LOGIN_PURPOSE_OF.fed ? 'fed' : 'pwd'
}

/**
 * What a user whose password was right must still do: nothing (undefined), prove a second factor
 * (a user who has one), or enrol one first (a holder of a HEIMDALL_MFA_REQUIRED_ROLES role who has none).
 * `first` is the first factor the mfa_token follows (a password unless said).
 */
export async function secondStepFor(ctx: Context, user: { id: string }, first: FirstFactor = 'pwd'): Promise<SecondStep | undefined> {
  const factors = await findEnrolledFactors(ctx, user.id)
  if (hasSecondFactor(factors)) {
    const mfaToken = await issueChallengeToken(ctx, MFA_TOKEN_PREFIX, MFA_LOGIN_PURPOSE_OF[first], user.id, MFA_TOKEN_TTL_SECONDS)
    return { kind: 'mfa_required', mfaToken, methods: secondFactorMethods(factors), expiresIn: MFA_TOKEN_TTL_SECONDS }
  }
  if (!(await mustEnrol(ctx, user.id))) return undefined
  const enrollmentToken = await issueChallengeToken(ctx, ENROLLMENT_TOKEN_PREFIX, 'mfa_enrollment', user.id, ENROLLMENT_TOKEN_TTL_SECONDS)
  return { kind: 'mfa_enrollment_required', enrollmentToken, methods: ['totp', 'passkey'], expiresIn: ENROLLMENT_TOKEN_TTL_SECONDS }
}

async function mustEnrol(ctx: Context, userId: string): Promise<boolean> {
  const required = ctx.config.mfaRequiredRoles
  if (required.length === 0) return false
  const roles = await ctx.roles.findRoleNamesByUserId(userId)
  return roles.some((role) => required.includes(role))
}

async function issueChallengeToken(ctx: Context, prefix: string, purpose: string, userId: string, ttlSeconds: number): Promise<string> {
  const token = generateChallengeToken(prefix)
  const now = ctx.clock.now()
  await ctx.mfa.insertChallenge({ secret_hash: challengeHash(token), purpose, user_id: userId, created_at: now, expires_at: now + ttlSeconds * 1000 })
  return token
}
