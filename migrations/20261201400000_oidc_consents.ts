import type { Knex } from 'knex'

/**
 * What a user has allowed an OpenID Connect client, remembered across sign-ins (a provider grant
 * lives only as long as the Heimdall session it was made in): one row per user and client, the union
 * of every consent given. A new sign-in builds its grant from it, so the consent page asks only for
 * scopes not allowed before. Revoking access on the account page deletes it; deleting the user or the
 * client does too (cascade).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oidc_consents', (table) => {
    table.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE')
    table.string('client_id', 64).notNullable().references('client_id').inTable('oauth_clients').onDelete('CASCADE')
    // OpenID Connect scopes, space-separated (openid email roles offline_access ...).
    table.text('scope').notNullable()
    // JSON: the claims allowed one by one (the claims parameter), an array of names.
    table.text('claims').notNullable()
    // JSON: resource indicator -> its allowed scopes, space-separated (RFC 8707).
    table.text('resources').notNullable()
    table.bigInteger('granted_at').notNullable()
    table.bigInteger('updated_at').notNullable()
    table.primary(['user_id', 'client_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oidc_consents')
}
