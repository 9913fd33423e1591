import { Flags } from '@oclif/core'
import { rotateDataKey } from '../../usecases/data-keys/rotate-data-key.js'
import { BaseCommand } from '../base-command.js'

export default class DataKeyRotate extends BaseCommand<typeof DataKeyRotate> {
  static override summary = 'Rotate the data key: a new key seals, and every secret at rest (TOTP seeds, private signing keys, identity providers\' client secrets) is sealed again under it.'
  static override description =
    'Puts a newly generated key first in the data key file (HEIMDALL_DATA_KEY_FILE, else data-keys beside the JWT secret file) and ' +
    're-encrypts every stored secret with it. Older keys stay in the file so that values other instances seal meanwhile still open; ' +
    'running servers read the new key within a request. With HEIMDALL_DATA_KEYS, put the new key first there on every instance, restart ' +
    'them, then run this with --reencrypt-only. Audited as data_key.rotated. Exits non-zero when a secret opens under no configured key.'
  static override examples = [
    '<%= config.bin %> data-key:rotate',
    '<%= config.bin %> data-key:rotate --reencrypt-only --json',
    'HEIMDALL_DATA_KEY_FILE=/run/secrets/heimdall-data-keys <%= config.bin %> data-key:rotate --database-url mysql://heimdall:pw@db:3306/heimdall',
  ]

  static override flags = {
    'reencrypt-only': Flags.boolean({ description: 'generate no key: seal everything under the current (first) key', default: false }),
  }

  public async run() {
    const rotated = await rotateDataKey(this.context, { reencryptOnly: this.flags['reencrypt-only'] })
    this.log(`${rotated.generated ? 'New data key' : 'Data key'} ${rotated.keyId} (${rotated.source})`)
    this.log(`Sealed again: ${rotated.resealed.totp_secret} TOTP secret(s), ${rotated.resealed.signing_key} signing key(s), ${rotated.resealed.idp_client_secret} identity provider client secret(s), ${rotated.resealed.ssf_push_authorization} push endpoint header(s)`)
    return { key_id: rotated.keyId, generated: rotated.generated, source: rotated.source, resealed: rotated.resealed }
  }
}
