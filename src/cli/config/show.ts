import { getDefaultedSettings, getEffectiveConfig } from '../../usecases/service/get-effective-config.js'
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
    const settings = Object.entries(getEffectiveConfig(this.context))
    const defaulted: ReadonlySet<string> = getDefaultedSettings(this.context)
    const width = Math.max(...settings.map(([key]) => snakeCase(key).length))
    for (const [key, value] of settings) this.log(`${snakeCase(key).padEnd(width)}  ${value}${defaulted.has(key) ? '  (default)' : ''}`)
    return Object.fromEntries(settings.map(([key, value]) => [snakeCase(key), value]))
  }
}
