import { Flags } from '@oclif/core'
import { HeimdallError } from '../../errors.js'
import { registerUser, type RegisterUserResult } from '../../usecases/users/register-user.js'
import { emailArgument } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { readStdin } from '../read-stdin.js'

export default class UserCreate extends BaseCommand<typeof UserCreate> {
  static override summary = 'Create a user, with the same rules as POST /auth/register.'
  static override examples = [
    '<%= config.bin %> user:create ada@example.com --password "Correct-Horse-42"',
    'printf %s "$PASSWORD" | <%= config.bin %> user:create ada@example.com --password-stdin --role admin',
  ]

  static override args = { email: emailArgument('Email of the new user') }
  static override flags = {
    password: Flags.string({ description: 'Password (visible in shell history: prefer --password-stdin)', exclusive: ['password-stdin'] }),
    'password-stdin': Flags.boolean({ description: 'Read the password from standard input' }),
    role: Flags.string({ description: 'Role granted besides "user" (repeatable)', multiple: true }),
  }

  public async run(): Promise<{ user_id: string; email: string }> {
    const password = this.flags['password-stdin'] ? await readStdin() : this.flags.password
    if (password === undefined) throw new HeimdallError('validation.failed', 'Give a password with --password or --password-stdin', [
      { loc: ['password'], msg: 'Give a password with --password or --password-stdin', type: 'missing' },
    ])
    const user: RegisterUserResult = await registerUser(this.context, { email: this.args.email, password, roles: this.flags.role, byOperator: true })
    this.log(user.userId)
    return { user_id: user.userId, email: user.email }
  }
}
