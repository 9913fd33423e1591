import { rotateClientSecret } from '../../usecases/oidc/rotate-client-secret.js'
import { BaseCommand } from '../base-command.js'
import { clientIdArg } from '../client-args.js'

export default class ClientRotateSecret extends BaseCommand<typeof ClientRotateSecret> {
  static override summary = 'Give a confidential client a new secret (shown once); the old one stops working at once.'
  static override examples = ['<%= config.bin %> client:rotate-secret 8fc7c5f9ca70059f9acc240a99a75552']
  static override args = { clientId: clientIdArg }

  public async run() {
    const rotated = await rotateClientSecret(this.context, { clientId: this.args.clientId })
    this.log(`client_secret: ${rotated.clientSecret}   (shown once: store it now)`)
    return { client_id: rotated.clientId, client_secret: rotated.clientSecret }
  }
}
