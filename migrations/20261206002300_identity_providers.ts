import type { Knex } from 'knex'

/**
 * Sign-in through other identity providers (issue 23, docs/federation.md): the upstream providers an
 * operator registers (idp:create; the client secret sealed at rest under the data keys), the
 * identities linked to users (keyed on provider + subject, never on an address), the sign-ins in
 * flight (state, PKCE verifier, nonce: single use, short-lived) and the links waiting for the person to
 * prove the local account that already has the upstream's address (single use, short-lived).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('identity_providers', (table) => {
    table.string('id', 36).primary()
    // [a-z0-9-]: it names the callback path /account/sign-in/NAME/callback.
    table.string('name', 64).notNullable().unique()
    // 'oidc' (discovery, ID token) or 'github' (plain OAuth 2 and GitHub's REST API).
    table.string('kind', 16).notNullable()
    table.string('preset', 16).nullable()
    // The issuer identifier; for kind github, the web base URL (https://github.com).
    table.string('issuer', 500).notNullable()
    table.string('api_base_url', 500).nullable()
    table.string('client_id', 255).notNullable()
    table.text('client_secret_sealed').notNullable()
    table.string('scopes', 500).notNullable()
    table.boolean('trust_email').notNullable().defaultTo(false)
    table.boolean('trust_mfa').notNullable().defaultTo(false)
    table.boolean('auto_link').notNullable().defaultTo(false)
    table.boolean('create_accounts').notNullable().defaultTo(true)
    table.string('button_label', 100).nullable()
    table.boolean('enabled').notNullable().defaultTo(true)
    table.bigInteger('created_at').notNullable()
    table.bigInteger('updated_at').notNullable()
  })

  await knex.schema.createTable('user_identities', (table) => {
    table.string('id', 36).primary()
    table.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE')
    table.string('provider_id', 36).notNullable().references('id').inTable('identity_providers').onDelete('CASCADE')
    // OpenID Connect `sub` (at most 255 ASCII characters), GitHub's numeric user id.
    table.string('subject', 255).notNullable()
    // The address the upstream last said, for people to recognise the identity; never used to find it.
    table.string('email', 320).nullable()
    table.bigInteger('linked_at').notNullable()
    table.bigInteger('last_sign_in_at').nullable()
    table.unique(['provider_id', 'subject'])
    table.index(['user_id'])
  })

  await knex.schema.createTable('federation_flows', (table) => {
    // SHA-256 of the flow id the browser holds in a cookie: the database alone does not finish a flow.
    table.string('id_hash', 64).primary()
    table.string('provider_id', 36).notNullable().references('id').inTable('identity_providers').onDelete('CASCADE')
    table.string('state', 64).notNullable()
    table.string('code_verifier', 128).notNullable()
    table.string('nonce', 64).notNullable()
    table.string('return_to', 2000).nullable()
    table.string('interaction_uid', 191).nullable()
    // Set when a signed-in person links another identity from the account page: the user it goes to.
    table.string('link_user_id', 36).nullable().references('id').inTable('users').onDelete('CASCADE')
    table.bigInteger('created_at').notNullable()
    table.bigInteger('expires_at').notNullable()
    table.bigInteger('consumed_at').nullable()
    table.index(['expires_at'])
  })

  await knex.schema.createTable('federation_pending_links', (table) => {
    table.string('token_hash', 64).primary()
    table.string('provider_id', 36).notNullable().references('id').inTable('identity_providers').onDelete('CASCADE')
    table.string('subject', 255).notNullable()
    table.string('email', 320).notNullable()
    table.boolean('email_verified').notNullable().defaultTo(false)
    table.string('return_to', 2000).nullable()
    table.string('interaction_uid', 191).nullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('expires_at').notNullable()
    table.bigInteger('consumed_at').nullable()
    table.index(['expires_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('federation_pending_links')
  await knex.schema.dropTable('federation_flows')
  await knex.schema.dropTable('user_identities')
  await knex.schema.dropTable('identity_providers')
}
