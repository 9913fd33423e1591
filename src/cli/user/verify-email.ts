import { markEmailVerified } from '../../usecases/recovery/mark-email-verified.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class UserVerifyEmail extends BaseCommand<typeof UserVerifyEmail> {
  static override summary = "Mark a user's email address as verified (the operator vouches for it)."
  static override examples = ['<%= config.bin %> user:verify-email ada@example.com']
  static override args = { email: emailArg }

  public async run() {
    const { email, alreadyVerified } = await markEmailVerified(this.context, { email: this.args.email })
    this.log(alreadyVerified ? `${email} was already verified` : `${email} is now verified`)
    return { email, email_verified: true, already_verified: alreadyVerified }
  }
}
