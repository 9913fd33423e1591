import test from 'ava'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BUILTIN_CATALOGUES, loadLocales, placeholdersOf, type Catalogue } from '../../src/infra/i18n/catalogues.js'
import { NOTICES } from '../../src/http/pages/account/shared.js'
import { SCRIPT_WORD_KEYS } from '../../src/http/pages/account/passkey-script.js'
import { HeimdallError } from '../../src/errors.js'
import { languageOfHeader } from '../../src/http/pages/language.js'

// The message catalogues (issue 27, docs/pages.md "Translations"): German says everything English
// says, with the same placeholders, and every key the pages and mails use is in English.

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url))
const en = BUILTIN_CATALOGUES.en
const de = BUILTIN_CATALOGUES.de

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []))
}

/** Every quoted `namespace.key` in the pages' and mails' sources whose namespace is a catalogue's. */
function keysInSources(): Map<string, string> {
  const namespaces = new Set(Object.keys(en).map((key) => key.split('.')[0]))
  const found = new Map<string, string>()
  for (const file of [...files(join(SRC, 'http/pages')), ...files(join(SRC, 'infra/mail'))]) {
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) {
      // An error code (passkey.not_found) is no catalogue key, however alike they look.
      const before = source.slice(Math.max(0, match.index - 16), match.index)
      if (/(HeimdallError\(|code [!=]== )$/.test(before)) continue
      if (namespaces.has(match[1].split('.')[0]) && !match[1].endsWith('.js')) found.set(match[1], file.slice(SRC.length))
    }
  }
  return found
}

/** Keys made at run time from a name: `notice.<done>`, the script's words, `scope.<scope>`, `errors.<code>`. */
const DYNAMIC = [...NOTICES.map((notice) => `notice.${notice}`), ...SCRIPT_WORD_KEYS]

test('German has every English key and no other, each with the same placeholders and plural shape', (t) => {
  t.deepEqual(Object.keys(de).sort(), Object.keys(en).sort())
  for (const key of Object.keys(en)) {
    t.deepEqual(placeholdersOf(de[key]), placeholdersOf(en[key]), `${key}: placeholders`)
    t.is(typeof de[key], typeof en[key], `${key}: a text in both, or plural forms in both`)
    t.true(typeof de[key] !== 'string' || de[key] !== '', `${key}: not empty`)
  }
})

test('every key the pages and mails use is in the English catalogue, and every English key is used', (t) => {
  const used = keysInSources()
  const missing = [...used].filter(([key]) => !Object.hasOwn(en, key)).map(([key, file]) => `${key} (${file})`)
  t.deepEqual(missing, [], 'keys used but not in en.json')
  for (const key of DYNAMIC) t.true(Object.hasOwn(en, key), key)
  // scope.* and errors.* are looked up by a scope's or an error's name (templates.ts scopeInWords, pages.ts errorMessageOf).
  const unused = Object.keys(en).filter((key) => !used.has(key) && !DYNAMIC.includes(key) && !/^(scope|errors)\./.test(key))
  t.deepEqual(unused, [], 'keys in en.json that nothing uses')
})

test('a translator: placeholders, plurals by Intl.PluralRules, English for a missing key, the key for an unknown one', (t) => {
  const locales = loadLocales()
  t.deepEqual(locales.languages, ['en', 'de'])
  const german = locales.translator('de')
  t.is(german.lang, 'de')
  t.is(german('time.minutes', { count: 1 }), '1 Minute')
  t.is(german('time.minutes', { count: 5 }), '5 Minuten')
  t.is(german('login.continue_to', { application: 'Wiki' }), 'Melden Sie sich an, um mit Wiki fortzufahren.')
  t.is(locales.translator('fr').lang, 'en', 'a language nobody serves: English')
  t.is(locales.translator('DE').lang, 'de')
  t.is(german('no.such_key'), 'no.such_key')
})

test('a bare Accept-Language header: by q, an exact tag, then its language; English when nothing matches', (t) => {
  const locales = loadLocales()
  t.is(languageOfHeader(locales, 'de-AT,de;q=0.9,en;q=0.8'), 'de')
  t.is(languageOfHeader(locales, 'fr-FR, en;q=0.5, de;q=0.7'), 'de')
  t.is(languageOfHeader(locales, 'fr, it;q=0.5'), 'en')
  t.is(languageOfHeader(locales, 'de;q=0, en'), 'en')
  t.is(languageOfHeader(locales, undefined), 'en')
})

test('HEIMDALL_LOCALES_DIR: a new language falls back to English per key; a file for a built-in language replaces only its keys; a broken file stops the start', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-locales-'))
  writeFileSync(join(dir, 'fr.json'), JSON.stringify({ 'login.title': 'Se connecter' } satisfies Catalogue))
  writeFileSync(join(dir, 'de.json'), JSON.stringify({ 'login.title': 'Einloggen' }))
  writeFileSync(join(dir, 'README.txt'), 'not a catalogue')
  const locales = loadLocales(dir)
  t.deepEqual(locales.languages, ['en', 'de', 'fr'])
  t.is(locales.translator('fr')('login.title'), 'Se connecter')
  t.is(locales.translator('fr')('login.forgot_password'), 'Forgot password?')
  t.is(locales.translator('de')('login.title'), 'Einloggen')
  t.is(locales.translator('de')('login.forgot_password'), 'Passwort vergessen?')

  writeFileSync(join(dir, 'it.json'), '{"login.title": ')
  const broken = t.throws(() => loadLocales(dir), { instanceOf: HeimdallError })
  t.regex(broken!.message, /HEIMDALL_LOCALES_DIR: .*it\.json is not JSON/)
  writeFileSync(join(dir, 'it.json'), JSON.stringify({ 'login.title': ['Accedi'] }))
  t.regex(t.throws(() => loadLocales(dir))!.message, /"login\.title" must be a text or an object of plural forms/)
})
