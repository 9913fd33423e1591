import type { Context } from '../../context.js'
import { secondStepFor, type SecondStep } from '../mfa/second-step.js'
import { openSession, type SessionTokens } from './session-tokens.js'

/** Either the token pair, or what the user must do before getting one (usecases/mfa/second-step.ts). */
export type LoginResult = { kind: 'tokens'; tokens: SessionTokens } | SecondStep

export interface ConcludeSignInInput {
  /** RFC 8176 methods of the first factor, stored with the session (domain/amr.ts). */
  amr: readonly string[]
  /** Audit detail of every row written here (ip, provider...). */
  detail: Record<string, unknown>
  /** The first factor already counts as two (an upstream trusted for its multi-factor sign-in): no second step, no enrolment. */
  secondFactorDone?: boolean
  /** Called when a second step is asked for: the password login keeps its lockout unit taken until it succeeds. */
  onSecondStep?: () => Promise<void>
  /** Called otherwise, before anything is issued: the password login gives its lockout unit back. */
  onNoSecondStep?: () => Promise<void>
}

/**
 * The end of every first factor (a password, an upstream identity provider): a user with a second
 * factor gets an mfa_token for the second step (audited login.mfa_required); a holder of a
 * HEIMDALL_MFA_REQUIRED_ROLES role without one gets an enrolment token (login.mfa_enrollment_required);
 * anyone else a session opened with `amr` (login.succeeded). The caller has checked that the account
 * may sign in (not disabled, its address verified where required).
 */
export async function concludeSignIn(ctx: Context, user: { id: string; email: string; email_verified_at: number | null }, input: ConcludeSignInInput): Promise<LoginResult> {
  // The second step's session says which first factor it followed (amrForSecondStep).
  const secondStep = input.secondFactorDone ? undefined : await secondStepFor(ctx, user, input.amr.includes('fed') ? 'fed' : 'pwd')
  if (secondStep?.kind === 'mfa_required') {
    await input.onSecondStep?.()
    await ctx.audit.insertAuditEvent({ type: 'login.mfa_required', userId: user.id, detail: { methods: secondStep.methods, ...input.detail } })
    return secondStep
  }
  await input.onNoSecondStep?.()
  if (secondStep) {
    await ctx.audit.insertAuditEvent({ type: 'login.mfa_enrollment_required', userId: user.id, detail: input.detail })
    return secondStep
  }
  return { kind: 'tokens', tokens: await openSession(ctx, user, { amr: input.amr, event: 'login.succeeded', detail: input.detail }) }
}
