// For the knex CLI only (`npx knex migrate:make name -x ts`); the app migrates through `heimdall migrate`.
import { loadConfig } from './src/config.js'
import { knexClientOf } from './src/infra/db/dialect.js'
import { sqlitePath } from './src/infra/db/knex.js'

const config = loadConfig()

export default {
  client: knexClientOf(config.databaseType),
  connection: config.databaseType === 'sqlite' ? { filename: sqlitePath(config.databaseUrl) } : config.databaseUrl,
  useNullAsDefault: true,
  migrations: { directory: './migrations', extension: 'ts' },
}
