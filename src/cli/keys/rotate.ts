import { rotateSigningKey } from '../../usecases/signing-keys/rotate-signing-key.js'
import { BaseCommand } from '../base-command.js'
import { isoTime } from '../format.js'

export default class KeysRotate extends BaseCommand<typeof KeysRotate> {
  static override summary = 'Create a new signing key and sign with it from now on (HEIMDALL_JWT_ALG=RS256 or EdDSA).'
  static override description =
    'The previous key stops signing but stays published at /.well-known/jwks.json until the tokens it signed have expired ' +
    '(the access token lifetime plus 60 s). Running servers switch to the new key within a few seconds.'
  static override examples = [
    'HEIMDALL_JWT_ALG=EdDSA <%= config.bin %> keys:rotate',
    'HEIMDALL_JWT_ALG=RS256 <%= config.bin %> keys:rotate --json',
    'HEIMDALL_JWT_ALG=EdDSA <%= config.bin %> keys:rotate --database-url mysql://heimdall:secret@127.0.0.1:3306/heimdall',
  ]

  public async run() {
    const rotated = await rotateSigningKey(this.context, {})
    this.log(`New signing key ${rotated.kid} (${rotated.alg})`)
    for (const old of rotated.retired) this.log(`Retired ${old.kid}: published until ${isoTime(old.publishedUntil)}`)
    return {
      kid: rotated.kid,
      alg: rotated.alg,
      created_at: isoTime(rotated.createdAt),
      retired: rotated.retired.map((old) => ({ kid: old.kid, published_until: isoTime(old.publishedUntil) })),
    }
  }
}
