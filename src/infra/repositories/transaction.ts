import type { Knex } from 'knex'
import { createAuditRepository, type AuditRepositoryOptions } from './audit.js'
import { createMailOutboxRepository } from './mail-outbox.js'
import { createOAuthClientsRepository } from './oauth-clients.js'
import { createRolesRepository } from './roles.js'
import { createMfaRepository } from './mfa.js'
import { createOidcConsentsRepository } from './oidc-consents.js'
import { createOidcGrantsRepository } from './oidc-grants.js'
import { createPasskeysRepository } from './passkeys.js'
import { createSessionsRepository } from './sessions.js'
import { createThrottlesRepository } from './throttles.js'
import { createUserTokensRepository } from './user-tokens.js'
import { createUsersRepository } from './users.js'
import { createIdentityProvidersRepository } from './identity-providers.js'
import { createWebhooksRepository } from './webhooks.js'
import { createFederationFlowsRepository } from './federation-flows.js'
import { createUserIdentitiesRepository } from './user-identities.js'
import { createUserRecordsRepository } from './user-records.js'

/**
 * The repositories over one transaction: what Context.transaction() hands to its work. `audit` tells
 * the audit repository whom to tell of the events it writes once they have committed.
 */
export function repositoriesOver(db: Knex, audit: AuditRepositoryOptions = {}) {
  return {
    users: createUsersRepository(db),
    sessions: createSessionsRepository(db),
    roles: createRolesRepository(db),
    oauthClients: createOAuthClientsRepository(db),
    audit: createAuditRepository(db, audit),
    throttles: createThrottlesRepository(db),
    userTokens: createUserTokensRepository(db),
    mailOutbox: createMailOutboxRepository(db),
    mfa: createMfaRepository(db),
    passkeys: createPasskeysRepository(db),
    oidcGrants: createOidcGrantsRepository(db),
    oidcConsents: createOidcConsentsRepository(db),
    userIdentities: createUserIdentitiesRepository(db),
    userRecords: createUserRecordsRepository(db),
    federationFlows: createFederationFlowsRepository(db),
    webhooks: createWebhooksRepository(db),
    identityProviders: createIdentityProvidersRepository(db),
  }
}

export type TransactionRepositories = ReturnType<typeof repositoriesOver>
