import { setUserDisabled } from '../../usecases/users/set-user-disabled.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class UserDisable extends BaseCommand<typeof UserDisable> {
  static override summary = 'Disable a user: revokes all of its sessions at once and refuses its logins.'
  static override examples = ['<%= config.bin %> user:disable mallory@example.com']
  static override args = { email: emailArg }

  public async run() {
    const { revokedSessions } = await setUserDisabled(this.context, { email: this.args.email, disabled: true })
    this.log(`Disabled ${this.args.email}; revoked ${revokedSessions} session(s)`)
    return { email: this.args.email, disabled: true, revoked_sessions: revokedSessions }
  }
}
