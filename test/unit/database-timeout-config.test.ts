import test from 'ava'
import { loadConfig } from '../../src/config.js'
import { HeimdallError } from '../../src/errors.js'

test('HEIMDALL_DATABASE_TIMEOUT defaults to 10 s and is refused outside 1 s to 5 min', (t) => {
  t.is(loadConfig({}).databaseTimeoutMs, 10_000)
  t.is(loadConfig({ HEIMDALL_DATABASE_TIMEOUT: '2s' }).databaseTimeoutMs, 2000)
  t.is(loadConfig({ HEIMDALL_DATABASE_TIMEOUT: '5m' }).databaseTimeoutMs, 300_000)
  for (const value of ['0', '6m', '100000000000000000000', 'soon']) {
    const error = t.throws(() => loadConfig({ HEIMDALL_DATABASE_TIMEOUT: value }), { instanceOf: HeimdallError }, value)
    t.is(error?.code, 'config.invalid')
    t.regex(error?.message ?? '', /HEIMDALL_DATABASE_TIMEOUT/)
  }
})
