import { getMfaStatus } from '../../usecases/mfa/get-mfa-status.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { isoTime } from '../format.js'

export default class UserMfa extends BaseCommand<typeof UserMfa> {
  static override summary = "Show a user's second factors: TOTP, recovery codes and passkeys, when enrolled and last used."
  static override examples = ['<%= config.bin %> user:mfa ada@example.com', '<%= config.bin %> user:mfa ada@example.com --json']
  static override args = { email: emailArg }

  public async run() {
    const status = await getMfaStatus(this.context, { email: this.args.email })
    const { totp, recoveryCodes: codes } = status
    const when = (label: string, at: number | null) => (at === null ? '' : `, ${label} ${isoTime(at)}`)
    this.log(`totp:           ${totp.state}${when('enrolled', totp.enrolledAt)}${when('last used', totp.lastUsedAt)}`)
    this.log(`recovery codes: ${codes.remaining} of ${codes.total} left${when('generated', codes.generatedAt)}${when('last used', codes.lastUsedAt)}`)
    this.log(`passkeys:       ${status.passkeys.length}`)
    for (const passkey of status.passkeys) {
      this.log(`  ${passkey.id}  ${passkey.name}  created ${isoTime(passkey.createdAt)}  last used ${isoTime(passkey.lastUsedAt) ?? 'never'}${passkey.backedUp ? '  (synced)' : ''}`)
    }
    return {
      email: status.email,
      totp: { state: totp.state, enrolled_at: isoTime(totp.enrolledAt), last_used_at: isoTime(totp.lastUsedAt) },
      recovery_codes: { total: codes.total, remaining: codes.remaining, generated_at: isoTime(codes.generatedAt), last_used_at: isoTime(codes.lastUsedAt) },
      passkeys: status.passkeys.map((passkey) => ({
        id: passkey.id,
        name: passkey.name,
        created_at: isoTime(passkey.createdAt),
        last_used_at: isoTime(passkey.lastUsedAt),
        backed_up: passkey.backedUp,
      })),
    }
  }
}
