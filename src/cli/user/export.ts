import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { Flags } from '@oclif/core'
import { validationError } from '../../errors.js'
import { exportUsers } from '../../usecases/users/export-users.js'
import { BaseCommand } from '../base-command.js'
import { usageError } from '../usage-error.js'

export default class UserExport extends BaseCommand<typeof UserExport> {
  static override summary = 'Export users as JSON Lines, the format user:import reads.'
  static override examples = [
    '<%= config.bin %> user:export > users.jsonl',
    '<%= config.bin %> user:export --include-hashes --output users.jsonl',
  ]

  static override flags = {
    output: Flags.string({ char: 'o', description: 'Write to this file (created mode 0600) instead of standard output' }),
    'include-hashes': Flags.boolean({ description: 'Include password hashes (then the file is as secret as the database)' }),
  }

  public async run() {
    const { output } = this.flags
    // The summary and the lines would share standard output.
    if (this.jsonEnabled() && output === undefined) throw usageError('--json needs --output: the users themselves go to standard output otherwise')
    const stream = output === undefined ? process.stdout : createWriteStream(output, { mode: 0o600 })
    await (output === undefined ? Promise.resolve() : once(stream, 'open')).catch((error: NodeJS.ErrnoException) => {
      throw validationError([{ loc: ['--output'], msg: `Cannot write ${output}: ${error.code ?? error.message}`, type: 'value_error.file' }])
    })
    const { exported } = await exportUsers(this.context, {
      includeHashes: this.flags['include-hashes'] ?? false,
      write: async (line) => {
        if (!stream.write(`${line}\n`)) await once(stream, 'drain')
      },
    })
    if (output !== undefined) {
      stream.end()
      await once(stream, 'finish')
      this.log(`Exported ${exported} users to ${output}`)
    }
    return { exported, output: output ?? null, include_hashes: this.flags['include-hashes'] ?? false }
  }
}
