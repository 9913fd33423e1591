import { getClient } from '../../usecases/oidc/list-clients.js'
import { BaseCommand } from '../base-command.js'
import { clientIdArg, clientJson } from '../client-args.js'

export default class ClientShow extends BaseCommand<typeof ClientShow> {
  static override summary = 'Show one OAuth 2 / OpenID Connect client (never its secret).'
  static override examples = ['<%= config.bin %> client:show 8fc7c5f9ca70059f9acc240a99a75552 --json']
  static override args = { clientId: clientIdArg }

  public async run() {
    const client = clientJson(await getClient(this.context, { clientId: this.args.clientId }))
    for (const [name, value] of Object.entries(client)) this.log(`${`${name}:`.padEnd(27)}${Array.isArray(value) ? value.join(' ') || '(none)' : value}`)
    return client
  }
}
