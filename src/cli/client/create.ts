import { Args, Flags } from '@oclif/core'
import { createClient } from '../../usecases/oidc/create-client.js'
import { BaseCommand } from '../base-command.js'

export default class ClientCreate extends BaseCommand<typeof ClientCreate> {
  static override summary = 'Register an OAuth 2 / OpenID Connect client; prints its client_id and, this once, its secret.'
  static override description = 'The secret is stored hashed: keep it now, or make a new one with client:rotate-secret.'
  static override examples = [
    '<%= config.bin %> client:create Grafana --redirect-uri https://grafana.example.com/login/generic_oauth --grant authorization_code --grant refresh_token --scope openid --scope email --scope roles --scope offline_access --first-party',
    '<%= config.bin %> client:create my-cli --public --grant device_code --grant refresh_token',
    '<%= config.bin %> client:create wiki --redirect-uri https://wiki.example.com/callback --grant authorization_code',
    '<%= config.bin %> client:create billing-job --grant client_credentials --scope user:read --json',
  ]

  static override args = { name: Args.string({ description: 'A name people recognise (shown on the consent page)', required: true }) }
  static override flags = {
    'redirect-uri': Flags.string({ description: 'Where the authorization code may be sent (repeatable; exact match)', multiple: true, default: [] }),
    'post-logout-redirect-uri': Flags.string({ description: 'Where RP-initiated logout may return to (repeatable)', multiple: true, default: [] }),
    grant: Flags.string({ description: 'authorization_code, refresh_token, client_credentials or device_code (repeatable)', multiple: true, required: true }),
    scope: Flags.string({
      description: 'A scope the client may ask for: openid, email, profile, roles, offline_access or a permission (repeatable). Default: the grants\' usual ones, openid email profile for a sign-in, offline_access with refresh_token',
      multiple: true,
      default: [],
    }),
    public: Flags.boolean({ description: 'No secret (browser or native app): PKCE S256 is then required', default: false }),
    'first-party': Flags.boolean({ description: 'Your own application: users are not asked for consent', default: false }),
  }

  public async run() {
    const created = await createClient(this.context, {
      name: this.args.name,
      redirectUris: this.flags['redirect-uri'],
      postLogoutRedirectUris: this.flags['post-logout-redirect-uri'],
      grants: this.flags.grant,
      scopes: this.flags.scope,
      isPublic: this.flags.public,
      firstParty: this.flags['first-party'],
    })
    this.log(`client_id:     ${created.clientId}`)
    if (created.clientSecret !== undefined) this.log(`client_secret: ${created.clientSecret}   (shown once: store it now)`)
    this.log(`grant_types:   ${created.grants.join(' ')}`)
    this.log(`scope:         ${created.scopes.join(' ')}`)
    return { client_id: created.clientId, client_secret: created.clientSecret ?? null, grant_types: created.grants, scope: created.scopes.join(' ') }
  }
}
