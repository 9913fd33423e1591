import { Args, Flags } from '@oclif/core'
import { validationError } from '../../errors.js'
import { createProvider } from '../../usecases/federation/create-provider.js'
import { BaseCommand } from '../base-command.js'
import { providerJson, providerLines } from '../idp-args.js'
import { readStdin } from '../read-stdin.js'

export default class IdpCreate extends BaseCommand<typeof IdpCreate> {
  static override summary = 'Register an identity provider people may sign in with: any OpenID Connect issuer, or a preset (google, microsoft, github).'
  static override description =
    'Prints the redirect URI to register at the provider. The client secret is stored encrypted under the data key and never printed. ' +
    'Addresses from the provider are trusted only with --trust-email, its second factor only with --trust-mfa; an existing account with the ' +
    'same address is linked only after its holder proves it, or with --auto-link when both addresses are verified (docs/federation.md).'
  static override examples = [
    'printf %s "$GOOGLE_SECRET" | <%= config.bin %> idp:create google --preset google --client-id 1234.apps.googleusercontent.com --client-secret-stdin --trust-email',
    '<%= config.bin %> idp:create microsoft --preset microsoft --client-id 00000000-0000-0000-0000-000000000000 --client-secret-stdin',
    '<%= config.bin %> idp:create github --preset github --client-id Iv1.0123456789abcdef --client-secret-stdin --trust-email',
    '<%= config.bin %> idp:create corp --issuer https://keycloak.example.com/realms/corp --client-id heimdall --client-secret-stdin --trust-email --trust-mfa --button-label "Sign in with Corp SSO"',
  ]

  static override args = { name: Args.string({ description: 'A short name, [a-z0-9-]: it names the callback path', required: true }) }
  static override flags = {
    preset: Flags.string({ description: 'google, microsoft or github: the issuer, scopes and checks of that provider', options: ['google', 'microsoft', 'github'] }),
    issuer: Flags.string({ description: 'The OpenID Connect issuer URL (https; http on loopback only); with a preset, overrides its issuer (a single Entra tenant, GitHub Enterprise)' }),
    'api-url': Flags.string({ description: 'github preset: the REST API base URL (default https://api.github.com)' }),
    'client-id': Flags.string({ description: 'The client id the provider issued', required: true }),
    'client-secret': Flags.string({ description: 'The client secret (visible in shell history: prefer --client-secret-stdin)', exclusive: ['client-secret-stdin'] }),
    'client-secret-stdin': Flags.boolean({ description: 'Read the client secret from standard input' }),
    scope: Flags.string({ description: 'A scope to ask for (repeatable; default: the preset\'s, else openid email profile)', multiple: true, default: [] }),
    'trust-email': Flags.boolean({ description: 'Trust the provider\'s verified addresses: a new account starts verified, and --auto-link may apply', default: false }),
    'trust-mfa': Flags.boolean({ description: 'Count the provider\'s multi-factor sign-in (amr "mfa") as this account\'s second factor', default: false }),
    'auto-link': Flags.boolean({ description: 'Link to an existing account with the same address without asking its holder, when both addresses are verified (needs --trust-email)', default: false }),
    'create-accounts': Flags.boolean({ description: 'Create an account for a new identity whose address no account has (--no-create-accounts: refuse it)', default: true, allowNo: true }),
    'button-label': Flags.string({ description: 'The sign-in button\'s text (default: the preset\'s, else "Continue with NAME")' }),
  }

  public async run() {
    const clientSecret = this.flags['client-secret-stdin'] ? await readStdin() : this.flags['client-secret']
    if (clientSecret === undefined) {
      throw validationError([{ loc: ['--client-secret'], msg: 'Give the client secret with --client-secret or --client-secret-stdin', type: 'missing' }])
    }
    const provider = await createProvider(this.context, {
      name: this.args.name,
      preset: this.flags.preset,
      issuer: this.flags.issuer,
      apiBaseUrl: this.flags['api-url'],
      clientId: this.flags['client-id'],
      clientSecret,
      scopes: this.flags.scope,
      trustEmail: this.flags['trust-email'],
      trustMfa: this.flags['trust-mfa'],
      autoLink: this.flags['auto-link'],
      createAccounts: this.flags['create-accounts'],
      buttonLabel: this.flags['button-label'],
    })
    for (const line of providerLines(provider)) this.log(line)
    this.log(`Register this redirect URI at the provider: ${provider.redirectUri}`)
    return providerJson(provider)
  }
}
