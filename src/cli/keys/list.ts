import { listSigningKeys } from '../../usecases/signing-keys/list-signing-keys.js'
import { BaseCommand } from '../base-command.js'
import { isoTime as iso } from '../format.js'

export default class KeysList extends BaseCommand<typeof KeysList> {
  static override summary = 'List the signing keys: active (signs), retired (still published), expired.'
  static override examples = ['<%= config.bin %> keys:list', '<%= config.bin %> keys:list --json']

  public async run() {
    const keys = await listSigningKeys(this.context, {})
    for (const key of keys) {
      const published = key.state === 'active' ? 'published while active' : `published until ${iso(key.publishedUntil)}`
      this.log(`${key.kid}  ${key.alg.padEnd(6)} ${key.state.padEnd(7)}  created ${iso(key.createdAt)}  ${published}`)
    }
    if (keys.length === 0) {
      this.log(
        this.context.config.jwtAlg === 'HS256'
          ? 'No signing keys: tokens are HS256, signed with HEIMDALL_JWT_SECRET (set HEIMDALL_JWT_ALG=RS256 or EdDSA for keys)'
          : 'No signing keys yet: the server creates one at start-up (or run keys:rotate)',
      )
    }
    return keys.map((key) => ({
      kid: key.kid,
      alg: key.alg,
      state: key.state,
      created_at: iso(key.createdAt),
      retired_at: iso(key.retiredAt),
      published_until: iso(key.publishedUntil),
    }))
  }
}
