import { getEffectiveConfig } from '../../usecases/queries/get-effective-config.js'
import { BaseCommand } from '../base-command.js'
import { snakeCase } from '../format.js'

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override summary = 'Show the configuration in force (HEIMDALL_* variables, defaults and flags), secrets redacted.'
  static override examples = [
    '<%= config.bin %> config:show',
    'HEIMDALL_DATABASE_URL=mysql://heimdall:pw@db:3306/heimdall <%= config.bin %> config:show --json',
  ]

  public async run(): Promise<Record<string, string | number>> {
    // Printed under the names operators know from the docs: database_url, access_token_ttl_seconds ...
    const config = Object.fromEntries(Object.entries(getEffectiveConfig(this.context)).map(([key, value]) => [snakeCase(key), value]))
    const width = Math.max(...Object.keys(config).map((key) => key.length))
    for (const [key, value] of Object.entries(config)) this.log(`${key.padEnd(width)}  ${value}`)
    return config
  }
}
