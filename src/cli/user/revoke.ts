import { Args } from '@oclif/core'
import { changeUserRole } from '../../usecases/roles/change-user-role.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class UserRevoke extends BaseCommand<typeof UserRevoke> {
  static override summary = 'Take a role away from a user; the next validation of its tokens shows the change.'
  static override examples = ['<%= config.bin %> user:revoke ada@example.com admin']
  static override args = {
    email: emailArg,
    role: Args.string({ description: 'Role to take away', required: true }),
  }

  public async run() {
    const { changed } = await changeUserRole(this.context, { email: this.args.email, role: this.args.role, grant: false })
    this.log(changed ? `Revoked ${this.args.role} from ${this.args.email}` : `${this.args.email} did not have ${this.args.role}`)
    return { email: this.args.email, role: this.args.role, changed }
  }
}
