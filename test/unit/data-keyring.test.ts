import { randomBytes } from 'node:crypto'
import test from 'ava'
import { loadConfig } from '../../src/config.js'
import { HeimdallError } from '../../src/errors.js'
import { formatKeyring, generateDataKey, parseKeyring } from '../../src/domain/data-keyring.js'

test('a key ring reads id:key entries, the first sealing, in base64url or base64, by lines or commas', (t) => {
  const [a, b] = [randomBytes(32), randomBytes(32)]
  const keys = parseKeyring(`# comment, with a comma\nnew:${a.toString('base64url')}\n\n old : ${b.toString('base64')} `, 'the file')
  t.deepEqual(keys.map((key) => key.id), ['new', 'old'])
  t.true(keys[0].key.export().equals(a))
  t.true(keys[1].key.export().equals(b))
  t.deepEqual(parseKeyring(`new:${a.toString('base64url')},old:${b.toString('base64url')}`, 'x').map((key) => key.id), ['new', 'old'])

  const generated = [generateDataKey(), generateDataKey()]
  t.not(generated[0].id, generated[1].id)
  const again = parseKeyring(formatKeyring(generated), 'x')
  t.deepEqual(again.map((key) => key.id), generated.map((key) => key.id), 'what is written is read back, in order')
  t.true(again[0].key.export().equals(generated[0].key.export()))
})

test('a key ring that is empty, short, unnamed or names a key twice is refused, naming where and never the key', (t) => {
  const key = randomBytes(32).toString('base64url')
  const cases: Array<[string, RegExp]> = [
    ['', /HEIMDALL_DATA_KEYS holds no key/],
    ['# only a comment', /holds no key/],
    [key, /entry 1 must look like "id:key"/],
    [`a.b:${key}`, /entry 1 must look like "id:key"/],
    [`k1:${randomBytes(16).toString('base64url')}`, /key "k1" must be 32 random bytes, base64url \(got 16 bytes\)/],
    [`k1:${key},k1:${key}`, /names key "k1" twice/],
  ]
  for (const [text, message] of cases) {
    const error = t.throws(() => parseKeyring(text, 'HEIMDALL_DATA_KEYS'), { instanceOf: HeimdallError })
    t.is(error?.code, 'config.invalid')
    t.regex(error?.message ?? '', message)
    t.false((error?.message ?? '').includes(key))
  }
  t.throws(() => loadConfig({ HEIMDALL_DATA_KEYS: 'k1:short' }), { message: /HEIMDALL_DATA_KEYS key "k1" must be 32 random bytes/ }, 'checked at start-up')
})
