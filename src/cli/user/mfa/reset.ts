import { resetMfa } from '../../../usecases/mfa/reset-mfa.js'
import { emailArg } from '../../args.js'
import { BaseCommand } from '../../base-command.js'

export default class UserMfaReset extends BaseCommand<typeof UserMfaReset> {
  static override summary = "Remove every second factor of a user (TOTP, recovery codes, passkeys) and revoke all of its sessions."
  static override description = 'For someone who lost every factor: they log in with the password alone afterwards (or must enrol again if a role requires MFA). Audited as mfa.reset.'
  static override examples = ['<%= config.bin %> user:mfa:reset ada@example.com']
  static override args = { email: emailArg }

  public async run() {
    const reset = await resetMfa(this.context, { email: this.args.email })
    const { removed } = reset
    this.log(
      `Reset the second factors of ${reset.email}: removed ${removed.totp ? 'TOTP, ' : ''}${removed.recoveryCodes} recovery code(s), ${removed.passkeys} passkey(s); revoked ${reset.revokedSessions} session(s)`,
    )
    return {
      email: reset.email,
      removed: { totp: removed.totp, recovery_codes: removed.recoveryCodes, passkeys: removed.passkeys },
      revoked_sessions: reset.revokedSessions,
    }
  }
}
