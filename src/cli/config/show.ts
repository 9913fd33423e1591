import { getEffectiveConfig, type EffectiveConfig } from '../../usecases/queries/get-effective-config.js'
import { BaseCommand } from '../base-command.js'

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override summary = 'Show the configuration in force (HEIMDALL_* variables, defaults and flags), secrets redacted.'
  static override examples = [
    '<%= config.bin %> config:show',
    'HEIMDALL_DATABASE_URL=mysql://heimdall:pw@db:3306/heimdall <%= config.bin %> config:show --json',
  ]

  public async run(): Promise<EffectiveConfig> {
    const config = getEffectiveConfig(this.context)
    const width = Math.max(...Object.keys(config).map((key) => key.length))
    for (const [key, value] of Object.entries(config)) this.log(`${key.padEnd(width)}  ${value}`)
    return config
  }
}
