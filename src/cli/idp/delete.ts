import { deleteProvider } from '../../usecases/federation/delete-provider.js'
import { BaseCommand } from '../base-command.js'
import { providerNameArg } from '../idp-args.js'

export default class IdpDelete extends BaseCommand<typeof IdpDelete> {
  static override summary = 'Delete an identity provider with every identity linked through it (the accounts stay).'
  static override description = 'An account that could sign in only through this provider needs a password afterwards: user:send-reset or user:set-password.'
  static override examples = ['<%= config.bin %> idp:delete corp']
  static override args = { name: providerNameArg }

  public async run() {
    const { unlinkedIdentities } = await deleteProvider(this.context, { name: this.args.name })
    this.log(`Deleted identity provider ${this.args.name}; unlinked ${unlinkedIdentities} identit${unlinkedIdentities === 1 ? 'y' : 'ies'}`)
    return { deleted: this.args.name, unlinked_identities: unlinkedIdentities }
  }
}
