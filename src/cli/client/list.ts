import { listClients } from '../../usecases/oidc/list-clients.js'
import { BaseCommand } from '../base-command.js'
import { clientJson } from '../client-args.js'

export default class ClientList extends BaseCommand<typeof ClientList> {
  static override summary = 'List the OAuth 2 / OpenID Connect clients (never their secrets).'
  static override examples = ['<%= config.bin %> client:list', '<%= config.bin %> client:list --json']

  public async run() {
    const clients = await listClients(this.context)
    for (const client of clients) {
      this.log(`${client.clientId}  ${client.name}  ${client.public ? 'public' : 'confidential'}${client.firstParty ? ' first-party' : ''}  ${client.grants.join(',')}`)
    }
    if (clients.length === 0) this.log('(no clients)')
    return { clients: clients.map(clientJson) }
  }
}
