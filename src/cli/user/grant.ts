import { Args } from '@oclif/core'
import { changeUserRole } from '../../usecases/roles/change-user-role.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class UserGrant extends BaseCommand<typeof UserGrant> {
  static override summary = 'Grant a role to a user; the next validation of its tokens shows the new permissions.'
  static override examples = ['<%= config.bin %> user:grant ada@example.com admin']
  static override args = {
    email: emailArg,
    role: Args.string({ description: 'Role to grant (see role:list)', required: true }),
  }

  public async run() {
    const { changed } = await changeUserRole(this.context, { email: this.args.email, role: this.args.role, grant: true })
    this.log(changed ? `Granted ${this.args.role} to ${this.args.email}` : `${this.args.email} already has ${this.args.role}`)
    return { email: this.args.email, role: this.args.role, changed }
  }
}
