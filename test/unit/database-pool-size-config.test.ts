import test from 'ava'
import { loadConfig } from '../../src/config.js'
import { HeimdallError } from '../../src/errors.js'

test('HEIMDALL_DATABASE_POOL_SIZE defaults to 10 connections and is refused outside 2 to 100', (t) => {
  t.is(loadConfig({}).databasePoolSize, 10)
  t.is(loadConfig({ HEIMDALL_DATABASE_POOL_SIZE: '' }).databasePoolSize, 10, 'blank is unset')
  t.is(loadConfig({ HEIMDALL_DATABASE_POOL_SIZE: '2' }).databasePoolSize, 2)
  t.is(loadConfig({ HEIMDALL_DATABASE_POOL_SIZE: '100' }).databasePoolSize, 100)
  for (const value of ['0', '1', '101', '4.5', '-3', 'ten', '100000000000000000000']) {
    const error = t.throws(() => loadConfig({ HEIMDALL_DATABASE_POOL_SIZE: value }), { instanceOf: HeimdallError }, value)
    t.is(error?.code, 'config.invalid', value)
    t.regex(error?.message ?? '', /HEIMDALL_DATABASE_POOL_SIZE/, value)
  }
})
