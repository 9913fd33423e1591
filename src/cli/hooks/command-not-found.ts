import type { Hook } from '@oclif/core'
import { Errors } from '@oclif/core'
import { exitCodeFor } from '../exit-codes.js'
import { errorJson, usageError, wantsJson } from '../usage-error.js'

/**
 * An unknown command is a usage error like any other (exit 2). oclif reports it before any command
 * (and so the base command's catch()) exists: under --json it is the same JSON error object here,
 * otherwise oclif's own line on stderr.
 */
const commandNotFound: Hook<'command_not_found'> = async function ({ id, argv }) {
  const error = usageError(`command ${id} not found`)
  if (!wantsJson([id, ...(argv ?? [])])) throw new Errors.CLIError(error.message, { exit: exitCodeFor(error.code) })
  process.stdout.write(`${JSON.stringify(errorJson(error), null, 2)}\n`)
  process.exitCode = exitCodeFor(error.code)
}

export default commandNotFound
