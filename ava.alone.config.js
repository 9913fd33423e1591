// The second part of `npm test`: the files that measure milliseconds between real processes
// (ava.config.js, ALONE), one at a time once the rest is done, on an otherwise quiet machine.
import base, { ALONE } from './ava.config.js'

export default { ...base, files: ALONE, concurrency: 1 }
