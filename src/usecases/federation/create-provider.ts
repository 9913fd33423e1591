import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { HeimdallError, validationError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import { checkProviderInput, type ProviderInput } from './check-provider-input.js'
import { sealClientSecret } from './client-secret.js'
import { providerSummary, type ProviderSummary } from './provider-summary.js'

/**
 * Registers an upstream identity provider (idp:create): any OpenID Connect issuer, or a preset
 * (google, microsoft, github). The client secret is sealed at rest under the data key, bound to the
 * provider's id; it is never shown again. Nothing is fetched from the upstream here: discovery happens
 * at the first sign-in. Audited as idp.created. Throws validation.failed (check-provider-input.ts) and
 * federation.provider_exists.
 */
export async function createProvider(ctx: Context, input: ProviderInput): Promise<ProviderSummary> {
  const { problems, checked } = checkProviderInput(input)
  if (problems.length > 0) throw validationError(problems)
  if (await ctx.identityProviders.findIdentityProviderByName(checked.name)) throw providerExists(checked.name)
  const id = randomUUID()
  const now = ctx.clock.now()
  const row = {
    id,
    name: checked.name,
    kind: checked.kind,
    preset: checked.preset,
    issuer: checked.issuer,
    api_base_url: checked.apiBaseUrl,
    client_id: checked.clientId,
    client_secret_sealed: await sealClientSecret(ctx, id, input.clientSecret),
    scopes: checked.scopes.join(' '),
    trust_email: input.trustEmail,
    trust_mfa: input.trustMfa,
    auto_link: input.autoLink,
    create_accounts: input.createAccounts,
    button_label: checked.buttonLabel,
    enabled: true,
    created_at: now,
    updated_at: now,
  }
  try {
    await ctx.identityProviders.insertIdentityProvider(row)
  } catch (error) {
    if (isUniqueViolation(error)) throw providerExists(checked.name)
    throw error
  }
  await ctx.audit.insertAuditEvent(
    {
      type: 'idp.created',
      detail: { name: row.name, kind: row.kind, preset: row.preset, issuer: row.issuer, client_id: row.client_id, trust_email: input.trustEmail, trust_mfa: input.trustMfa, auto_link: input.autoLink, create_accounts: input.createAccounts },
    },
    now,
  )
  return providerSummary(ctx, row)
}

function providerExists(name: string): HeimdallError {
  return new HeimdallError('federation.provider_exists', `An identity provider named ${name} exists already`)
}
