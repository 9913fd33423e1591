import { Command, Flags, type Interfaces } from '@oclif/core'
import { CONFIG_DEFAULTS, loadConfig, type ConfigOverrides } from '../config.js'
import { createContext, type Context, type ContextOptions } from '../context.js'
import { translateError } from '../usecases/translate-error.js'
import { exitCodeFor } from './exit-codes.js'
import { errorJson, parseFailure } from './usage-error.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Shared flags, the Context built once in init() and closed in finally(), and the one error renderer. */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    'database-url': Flags.string({
      description: `sqlite:PATH, mysql://user:pass@host:3306/db or postgres://user:pass@host:5432/db (default: HEIMDALL_DATABASE_URL, else ${CONFIG_DEFAULTS.databaseUrl})`,
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  private builtContext: Context | undefined
  /** What the Context is built with; long-running commands ask for more than one-shot ones. */
  protected contextOptions: ContextOptions = {}

  public override async init(): Promise<void> {
    await super.init()
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    }).catch((error: unknown) => {
      throw parseFailure(error)
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  /** The composition root, built on first use with the configuration of env and the flags (configOverrides). */
  protected get context(): Context {
    this.builtContext ??= createContext(loadConfig(process.env, this.configOverrides()), this.contextOptions)
    return this.builtContext
  }

  /** The settings this command's flags override; a command with more such flags (serve) adds them. */
  protected configOverrides(): ConfigOverrides {
    return { databaseUrl: this.flags['database-url'] }
  }

  protected override async catch(caught: Error & { exitCode?: number }): Promise<unknown> {
    const error = translateError(caught)
    if (!error) return super.catch(caught)
    // The operator at the terminal may see every message the HTTP door would hide.
    const message = error.message
    if (this.jsonEnabled()) {
      this.logJson(errorJson(error))
    } else {
      const details = error.details?.map((detail) => detail.msg).join('; ')
      this.logToStderr(`Error: ${details && error.code === 'validation.failed' ? details : message}`)
    }
    process.exitCode = exitCodeFor(error.code)
    return undefined
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    // Admin commands must not leave a pool open, or the process hangs after its work is done.
    await this.builtContext?.close()
    return super.finally(error)
  }
}
