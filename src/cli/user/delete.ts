import { Flags } from '@oclif/core'
import { validationError } from '../../errors.js'
import { deleteUser } from '../../usecases/users/delete-user.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { confirm, isInteractive } from '../prompt.js'

export default class UserDelete extends BaseCommand<typeof UserDelete> {
  static override summary = 'Delete a user with its sessions and refresh tokens; its tokens stop validating everywhere.'
  static override description = 'Asks for confirmation on a terminal. Without a terminal (scripts, pipes) it refuses unless --yes is given.'
  static override examples = ['<%= config.bin %> user:delete mallory@example.com', '<%= config.bin %> user:delete mallory@example.com --yes --json']
  static override args = { email: emailArg }
  static override flags = { yes: Flags.boolean({ char: 'y', description: 'Do not ask for confirmation' }) }

  public async run() {
    if (!this.flags.yes) {
      if (!isInteractive()) {
        throw validationError([{ loc: ['--yes'], msg: 'Refusing to delete without confirmation: not a terminal, pass --yes to confirm', type: 'missing' }])
      }
      if (!(await confirm(`Delete ${this.args.email} and all of its sessions? This cannot be undone.`))) {
        this.log('Not deleted')
        process.exitCode = 1
        return { email: this.args.email, deleted: false }
      }
    }
    const { userId, deletedSessions } = await deleteUser(this.context, { email: this.args.email })
    this.log(`Deleted ${this.args.email} (${userId}); removed ${deletedSessions} session(s)`)
    return { email: this.args.email, user_id: userId, deleted: true, deleted_sessions: deletedSessions }
  }
}
