import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { validationError } from '../errors.js'

/**
 * The lines of a file, or of standard input for `-`, one at a time (a file of any size in constant
 * memory); CRLF endings are read as LF. A file that cannot be opened is validation.failed (exit 65).
 */
export async function* readLines(path: string, label = 'FILE'): AsyncGenerator<string> {
  const stream = path === '-' ? process.stdin : createReadStream(path)
  const opened = path === '-' ? Promise.resolve() : new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject))
  try {
    await opened
  } catch (error) {
    throw validationError([{ loc: [label], msg: `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, type: 'value_error.file' }])
  }
  yield* createInterface({ input: stream, crlfDelay: Infinity })
}
