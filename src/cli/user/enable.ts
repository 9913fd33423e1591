import { setUserDisabled } from '../../usecases/users/set-user-disabled.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class UserEnable extends BaseCommand<typeof UserEnable> {
  static override summary = 'Enable a disabled user: it may log in again (revoked sessions stay revoked).'
  static override examples = ['<%= config.bin %> user:enable mallory@example.com']
  static override args = { email: emailArg }

  public async run() {
    await setUserDisabled(this.context, { email: this.args.email, disabled: false })
    this.log(`Enabled ${this.args.email}`)
    return { email: this.args.email, disabled: false }
  }
}
