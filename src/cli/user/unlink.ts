import { Args } from '@oclif/core'
import { unlinkIdentity } from '../../usecases/federation/unlink-identity.js'
import { findUserByEmailOrFail } from '../../usecases/users/find-user.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class UserUnlink extends BaseCommand<typeof UserUnlink> {
  static override summary = 'Unlink a user\'s identity at another identity provider, unless it is the account\'s only way to sign in.'
  static override description = 'The account keeps its sessions; the identity can be linked again by signing in with it. Audited as federation.identity_unlinked.'
  static override examples = ['<%= config.bin %> user:unlink ada@example.com github']
  static override args = { email: emailArg, provider: Args.string({ description: 'The identity provider\'s name (user:show lists the linked ones)', required: true }) }

  public async run() {
    const user = await findUserByEmailOrFail(this.context, this.args.email)
    await unlinkIdentity(this.context, { userId: user.id, provider: this.args.provider, by: 'operator' })
    this.log(`Unlinked ${this.args.email}'s identity at ${this.args.provider}`)
    return { email: user.email, unlinked: this.args.provider }
  }
}
