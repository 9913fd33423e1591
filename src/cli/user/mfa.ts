import { Args } from '@oclif/core'
import { getMfaStatus, type MfaStatus } from '../../usecases/mfa/get-mfa-status.js'
import { BaseCommand } from '../base-command.js'

export default class UserMfa extends BaseCommand<typeof UserMfa> {
  static override summary = "Show a user's second factors: TOTP, recovery codes and passkeys, when enrolled and last used."
  static override examples = ['<%= config.bin %> user:mfa ada@example.com', '<%= config.bin %> user:mfa ada@example.com --json']
  static override args = { email: Args.string({ description: 'Email of the user', required: true }) }

  public async run(): Promise<MfaStatus> {
    const status = await getMfaStatus(this.context, { email: this.args.email })
    const { totp, recovery_codes: codes } = status
    this.log(`totp:           ${totp.state}${totp.enrolled_at ? `, enrolled ${totp.enrolled_at}` : ''}${totp.last_used_at ? `, last used ${totp.last_used_at}` : ''}`)
    this.log(
      `recovery codes: ${codes.remaining} of ${codes.total} left${codes.generated_at ? `, generated ${codes.generated_at}` : ''}${codes.last_used_at ? `, last used ${codes.last_used_at}` : ''}`,
    )
    this.log(`passkeys:       ${status.passkeys.length}`)
    for (const passkey of status.passkeys) {
      this.log(`  ${passkey.id}  ${passkey.name}  created ${passkey.created_at}  last used ${passkey.last_used_at ?? 'never'}${passkey.backed_up ? '  (synced)' : ''}`)
    }
    return status
  }
}
