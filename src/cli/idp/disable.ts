import { setProviderEnabled } from '../../usecases/federation/set-provider-enabled.js'
import { BaseCommand } from '../base-command.js'
import { providerNameArg } from '../idp-args.js'

export default class IdpDisable extends BaseCommand<typeof IdpDisable> {
  static override summary = 'Turn sign-ins through an identity provider off (linked identities stay, and come back with idp:enable).'
  static override examples = ['<%= config.bin %> idp:disable google']
  static override args = { name: providerNameArg }

  public async run() {
    await setProviderEnabled(this.context, { name: this.args.name, enabled: false })
    this.log(`Disabled identity provider ${this.args.name}`)
    return { name: this.args.name, enabled: false }
  }
}
