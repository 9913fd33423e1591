// The second part of `npm test`: the files that measure milliseconds between real processes
// (ava.config.js, ALONE), two at a time once the rest is done: each waits on its processes and
// polls most of the time, so two of them leave the machine about half idle (48 s for the seven
// files, where one at a time took 64 s), and no file of the main part's load is beside them.
import base, { ALONE } from './ava.config.js'

export default { ...base, files: ALONE, concurrency: 2 }
