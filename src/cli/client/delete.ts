import { deleteClient } from '../../usecases/oidc/delete-client.js'
import { BaseCommand } from '../base-command.js'
import { clientIdArg } from '../client-args.js'

export default class ClientDelete extends BaseCommand<typeof ClientDelete> {
  static override summary = 'Delete a client, with every grant and token issued to it.'
  static override examples = ['<%= config.bin %> client:delete 8fc7c5f9ca70059f9acc240a99a75552']
  static override args = { clientId: clientIdArg }

  public async run() {
    await deleteClient(this.context, { clientId: this.args.clientId })
    this.log(`Deleted client ${this.args.clientId}`)
    return { deleted: this.args.clientId }
  }
}
