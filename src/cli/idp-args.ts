import { Args } from '@oclif/core'
import type { ProviderSummary } from '../usecases/federation/provider-summary.js'
import { isoTime } from './format.js'

/** The identity provider a command acts on, by the name idp:create gave it. */
export const providerNameArg = Args.string({ description: 'The identity provider\'s name (idp:list shows them)', required: true })

/** A provider as --json carries it: snake_case, never the client secret. */
export function providerJson(provider: ProviderSummary) {
  return {
    name: provider.name,
    kind: provider.kind,
    preset: provider.preset,
    issuer: provider.issuer,
    api_base_url: provider.apiBaseUrl,
    client_id: provider.clientId,
    scope: provider.scopes.join(' '),
    trust_email: provider.trustEmail,
    trust_mfa: provider.trustMfa,
    auto_link: provider.autoLink,
    create_accounts: provider.createAccounts,
    button_label: provider.buttonLabel,
    enabled: provider.enabled,
    redirect_uri: provider.redirectUri,
    created_at: isoTime(provider.createdAt),
    updated_at: isoTime(provider.updatedAt),
  }
}

/** The provider as aligned lines, for idp:create and idp:show. */
export function providerLines(provider: ProviderSummary): string[] {
  return Object.entries(providerJson(provider)).map(([name, value]) => `${`${name}:`.padEnd(17)}${value === null ? '(none)' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : value}`)
}
