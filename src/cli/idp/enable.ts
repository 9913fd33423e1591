import { setProviderEnabled } from '../../usecases/federation/set-provider-enabled.js'
import { BaseCommand } from '../base-command.js'
import { providerNameArg } from '../idp-args.js'

export default class IdpEnable extends BaseCommand<typeof IdpEnable> {
  static override summary = 'Turn sign-ins through an identity provider on again.'
  static override examples = ['<%= config.bin %> idp:enable google']
  static override args = { name: providerNameArg }

  public async run() {
    await setProviderEnabled(this.context, { name: this.args.name, enabled: true })
    this.log(`Enabled identity provider ${this.args.name}`)
    return { name: this.args.name, enabled: true }
  }
}
