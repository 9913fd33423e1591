import { listProviders } from '../../usecases/federation/list-providers.js'
import { BaseCommand } from '../base-command.js'
import { providerJson } from '../idp-args.js'

export default class IdpList extends BaseCommand<typeof IdpList> {
  static override summary = 'List the identity providers people may sign in with (never their client secrets).'
  static override examples = ['<%= config.bin %> idp:list', '<%= config.bin %> idp:list --json']

  public async run() {
    const providers = await listProviders(this.context)
    for (const provider of providers) {
      this.log(`${provider.name}  ${provider.enabled ? 'enabled' : 'disabled'}  ${provider.preset ?? provider.kind}  ${provider.issuer}  ${provider.clientId}`)
    }
    if (providers.length === 0) this.log('(no identity providers)')
    return { providers: providers.map(providerJson) }
  }
}
