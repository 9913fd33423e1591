import { HeimdallError, isHeimdallError, validationError } from '../errors.js'

/** The one JSON shape of a CLI error under --json: `{ error: { code, message, details? } }`. */
export function errorJson(error: HeimdallError): { error: { code: string; message: string; details?: HeimdallError['details'] } } {
  return { error: { code: error.code, message: error.message, details: error.details } }
}

/** A usage error (cli.usage, exit 2) saying what is wrong with the command line, in plain text. */
export function usageError(message: string): HeimdallError {
  // oclif colours its words for a terminal: JSON and logs get the text alone.
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '').trim()
  return new HeimdallError('cli.usage', plain)
}

/**
 * What oclif's parser threw, in Heimdall's error model. A flag's or argument's own parser (integerFlag,
 * emailArgument) refuses bad input with validation.failed (exit 65); oclif writes "Parsing --flag ...
 * See more help" into that error's message on its way out, so its field errors go into a fresh one
 * to keep the message --json prints clean. Anything else the parser throws is about the command line
 * itself (unknown or missing flag or argument, exclusive flags, a value outside a flag's options):
 * cli.usage. Its own error carries the whole parse state (manifest, package.json, paths), which must
 * never reach --json output.
 */
export function parseFailure(error: unknown): HeimdallError {
  if (isHeimdallError(error)) return error.code === 'validation.failed' && error.details ? validationError(error.details) : error
  return usageError(error instanceof Error ? error.message : String(error))
}

/** Whether argv asks for --json output (before any `--`), as oclif's Command.jsonEnabled() reads it. */
export function wantsJson(argv: readonly string[]): boolean {
  const json = argv.indexOf('--json')
  const passThrough = argv.indexOf('--')
  return json !== -1 && (passThrough === -1 || json < passThrough)
}
