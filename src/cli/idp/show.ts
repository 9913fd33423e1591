import { getProvider } from '../../usecases/federation/get-provider.js'
import { BaseCommand } from '../base-command.js'
import { providerJson, providerLines, providerNameArg } from '../idp-args.js'

export default class IdpShow extends BaseCommand<typeof IdpShow> {
  static override summary = 'Show one identity provider and the redirect URI to register there (never its client secret).'
  static override examples = ['<%= config.bin %> idp:show google', '<%= config.bin %> idp:show google --json']
  static override args = { name: providerNameArg }

  public async run() {
    const provider = await getProvider(this.context, { name: this.args.name })
    for (const line of providerLines(provider)) this.log(line)
    return providerJson(provider)
  }
}
