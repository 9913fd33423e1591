import type { Knex } from 'knex'

const ROLES = [
  { name: 'user', description: 'Every registered user', permissions: ['user:read', 'session:read'] },
  {
    name: 'admin',
    description: 'Operators of this Heimdall',
    permissions: ['user:read', 'user:write', 'session:read', 'session:revoke', 'role:manage', 'audit:read'],
  },
]

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.string('id', 36).primary()
    table.string('email', 254).notNullable().unique()
    table.string('password_hash', 72).notNullable()
    table.boolean('disabled').notNullable().defaultTo(false)
    table.bigInteger('created_at').notNullable()
    table.bigInteger('updated_at').notNullable()
  })

  await knex.schema.createTable('sessions', (table) => {
    table.string('id', 36).primary()
    table.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE')
    table.bigInteger('created_at').notNullable()
    table.bigInteger('expires_at').notNullable()
    table.bigInteger('revoked_at').nullable()
    table.string('revoked_reason', 64).nullable()
    table.index(['user_id'])
    table.index(['revoked_at'])
  })

  await knex.schema.createTable('roles', (table) => {
    table.increments('id').primary()
    table.string('name', 64).notNullable().unique()
    table.string('description', 255).notNullable().defaultTo('')
  })

  await knex.schema.createTable('permissions', (table) => {
    table.increments('id').primary()
    table.string('name', 64).notNullable().unique()
  })

  await knex.schema.createTable('role_permissions', (table) => {
    table.integer('role_id').unsigned().notNullable().references('id').inTable('roles').onDelete('CASCADE')
    table.integer('permission_id').unsigned().notNullable().references('id').inTable('permissions').onDelete('CASCADE')
    table.primary(['role_id', 'permission_id'])
  })

  await knex.schema.createTable('user_roles', (table) => {
    table.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE')
    table.integer('role_id').unsigned().notNullable().references('id').inTable('roles').onDelete('CASCADE')
    table.primary(['user_id', 'role_id'])
  })

  await knex.schema.createTable('audit_events', (table) => {
    table.increments('id').primary()
    table.string('type', 64).notNullable()
    table.string('user_id', 36).nullable()
    table.string('session_id', 36).nullable()
    table.text('detail').nullable()
    table.bigInteger('created_at').notNullable()
    table.index(['user_id'])
    table.index(['type', 'created_at'])
  })

  await seedRoles(knex)
}

async function seedRoles(knex: Knex): Promise<void> {
  const permissionNames = [...new Set(ROLES.flatMap((role) => role.permissions))]
  await knex('permissions').insert(permissionNames.map((name) => ({ name })))
  const permissionIds = new Map(
    (await knex('permissions').select('id', 'name')).map((row: { id: number; name: string }) => [row.name, row.id]),
  )
  for (const role of ROLES) {
    await knex('roles').insert({ name: role.name, description: role.description })
    const { id } = await knex('roles').where({ name: role.name }).first('id')
    await knex('role_permissions').insert(role.permissions.map((name) => ({ role_id: id, permission_id: permissionIds.get(name) })))
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_events', 'user_roles', 'role_permissions', 'permissions', 'roles', 'sessions', 'users']) {
    await knex.schema.dropTableIfExists(table)
  }
}
