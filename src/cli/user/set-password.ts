import { Flags } from '@oclif/core'
import { validationError } from '../../errors.js'
import { setUserPassword } from '../../usecases/users/set-user-password.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { isInteractive, promptHidden } from '../prompt.js'
import { readStdin } from '../read-stdin.js'

export default class UserSetPassword extends BaseCommand<typeof UserSetPassword> {
  static override summary = "Set a user's password (same policy as registration) and revoke all of its sessions."
  static override description = 'On a terminal it asks for the password twice without echoing it; in scripts pipe it in with --password-stdin.'
  static override examples = [
    '<%= config.bin %> user:set-password ada@example.com',
    'printf %s "$NEW_PASSWORD" | <%= config.bin %> user:set-password ada@example.com --password-stdin',
  ]

  static override args = { email: emailArg }
  static override flags = { 'password-stdin': Flags.boolean({ description: 'Read the new password from standard input' }) }

  public async run() {
    const password = this.flags['password-stdin'] ? await readStdin() : await this.askPassword()
    const { revokedSessions } = await setUserPassword(this.context, { email: this.args.email, password })
    this.log(`Password of ${this.args.email} set; revoked ${revokedSessions} session(s)`)
    return { email: this.args.email, revoked_sessions: revokedSessions }
  }

  private async askPassword(): Promise<string> {
    if (!isInteractive()) {
      throw validationError([{ loc: ['--password-stdin'], msg: 'Not a terminal to ask on: pipe the password in with --password-stdin', type: 'missing' }])
    }
    const password = await promptHidden('New password: ')
    if ((await promptHidden('Repeat it: ')) !== password) {
      throw validationError([{ loc: ['password'], msg: 'The two passwords differ', type: 'value_error' }])
    }
    return password
  }
}
