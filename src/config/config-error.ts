import { HeimdallError } from '../errors.js'

/** The one error of a setting that cannot be used: config.invalid, exit 78; `message` names the variable. */
export function configError(message: string): HeimdallError {
  return new HeimdallError('config.invalid', message)
}
