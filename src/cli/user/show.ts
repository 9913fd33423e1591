import { Args } from '@oclif/core'
import { getUserDetails, type UserDetails } from '../../usecases/queries/get-user-details.js'
import { BaseCommand } from '../base-command.js'

export default class UserShow extends BaseCommand<typeof UserShow> {
  static override summary = 'Show one user: state, roles, permissions and how many sessions are active.'
  static override examples = ['<%= config.bin %> user:show ada@example.com', '<%= config.bin %> user:show ada@example.com --json']
  static override args = { email: Args.string({ description: 'Email of the user', required: true }) }

  public async run(): Promise<UserDetails> {
    const user = await getUserDetails(this.context, { email: this.args.email })
    this.log(`id:              ${user.id}`)
    this.log(`email:           ${user.email}`)
    this.log(`disabled:        ${user.disabled ? 'yes' : 'no'}`)
    this.log(`roles:           ${user.roles.join(', ') || '(none)'}`)
    this.log(`permissions:     ${user.permissions.join(', ') || '(none)'}`)
    this.log(`created_at:      ${user.created_at}`)
    this.log(`active sessions: ${user.active_sessions}`)
    return user
  }
}
