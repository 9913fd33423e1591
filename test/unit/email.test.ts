import test from 'ava'
import { EMAIL_PATTERN, emailFieldErrors, emailProblem, MAX_EMAIL_LENGTH, normalizeEmail } from '../../src/domain/email.js'

const EMPTY = 'Email must not be empty'
const TOO_LONG = 'Email must be at most 254 characters'
const NOT_ONE_AT = 'Email must contain exactly one "@"'
const NO_NAME = 'Email must have a name before the "@"'
const NO_DOMAIN = 'Email must have a domain after the "@"'
const BAD_NAME = 'Email has an invalid name before the "@"'
const NO_DOT = 'Email domain must contain a "."'
const BAD_DOMAIN = 'Email has an invalid domain'
const BAD_TLD = 'Email has an invalid top-level domain'

/** An address of exactly `length` characters: a 64-character name and labels of at most 63. */
function addressOfLength(length: number): string {
  const local = 'a'.repeat(64)
  let domain = 'com'
  while (local.length + 1 + domain.length < length) {
    const room = length - (local.length + 1 + domain.length) - 1
    domain = 'b'.repeat(Math.min(63, Math.max(1, room))) + '.' + domain
  }
  return `${local}@${domain}`
}

test('normalising trims white space (Unicode too) and lower-cases', (t) => {
  t.is(normalizeEmail('  Ada@Example.COM\t\n'), 'ada@example.com')
  t.is(normalizeEmail('\u00A0ada@example.com\u2028'), 'ada@example.com', 'no-break space and line separator')
  t.is(normalizeEmail(''), '')
  t.is(normalizeEmail('   '), '')
})

test('254 characters is the longest address (RFC 5321 path less its brackets), 255 is refused', (t) => {
  t.is(MAX_EMAIL_LENGTH, 254)
  const longest = addressOfLength(254)
  t.is(longest.length, 254)
  t.is(emailProblem(longest), undefined)
  const over = addressOfLength(255)
  t.is(over.length, 255)
  t.is(emailProblem(over), TOO_LONG)
})

test('the name before the "@" is at most 64 characters (RFC 5321 section 4.5.3.1.1)', (t) => {
  t.is(emailProblem(`${'a'.repeat(64)}@example.com`), undefined)
  t.is(emailProblem(`${'a'.repeat(65)}@example.com`), BAD_NAME)
})

test('a domain label is at most 63 characters (RFC 1035), the top-level one 2 to 63 letters', (t) => {
  t.is(emailProblem(`ada@${'b'.repeat(63)}.com`), undefined)
  t.is(emailProblem(`ada@${'b'.repeat(64)}.com`), BAD_DOMAIN)
  t.is(emailProblem(`ada@example.${'c'.repeat(63)}`), undefined)
  t.is(emailProblem(`ada@example.${'c'.repeat(64)}`), BAD_DOMAIN)
  t.is(emailProblem('ada@example.io'), undefined)
  t.is(emailProblem('ada@example.c'), BAD_TLD)
  t.is(emailProblem('ada@example.123'), BAD_TLD)
  t.is(emailProblem('ada@example.c0m'), BAD_TLD)
  t.is(emailProblem('ada@example.xn--p1ai'), BAD_TLD, 'an internationalised top-level domain is not letters only')
})

test('empty parts and missing or repeated "@" each have their own problem', (t) => {
  t.is(emailProblem(''), EMPTY)
  t.is(emailProblem('ada.example.com'), NOT_ONE_AT)
  t.is(emailProblem('ada@lovelace@example.com'), NOT_ONE_AT)
  t.is(emailProblem('@example.com'), NO_NAME)
  t.is(emailProblem('ada@'), NO_DOMAIN)
  t.is(emailProblem('@'), NO_NAME)
  t.is(emailProblem('ada@localhost'), NO_DOT)
})

test('the name is dot-separated atoms of RFC 5322 atext: no leading, trailing or double dot, no quotes', (t) => {
  t.is(emailProblem("o'brien+tag@example.com"), undefined)
  t.is(emailProblem("!#$%&'*+/=?^_`{|}~-@example.com"), undefined, 'every atext symbol')
  t.is(emailProblem('ada.king.lovelace@example.com'), undefined)
  t.is(emailProblem('.ada@example.com'), BAD_NAME)
  t.is(emailProblem('ada.@example.com'), BAD_NAME)
  t.is(emailProblem('ada..king@example.com'), BAD_NAME)
  t.is(emailProblem('"ada king"@example.com'), BAD_NAME)
  t.is(emailProblem('ada king@example.com'), BAD_NAME)
  t.is(emailProblem('ad\u00E9@example.com'), BAD_NAME, 'no internationalised names (RFC 6531)')
})

test('domain labels are letters, digits and inner hyphens; no literal, no empty label', (t) => {
  t.is(emailProblem('ada@mail-1.example.com'), undefined)
  t.is(emailProblem('ada@ex--ample.com'), undefined)
  t.is(emailProblem('ada@-example.com'), BAD_DOMAIN)
  t.is(emailProblem('ada@example-.com'), BAD_DOMAIN)
  t.is(emailProblem('ada@example..com'), BAD_DOMAIN)
  t.is(emailProblem('ada@.example.com'), BAD_DOMAIN)
  t.is(emailProblem('ada@example.com.'), BAD_DOMAIN)
  t.is(emailProblem('ada@ex_ample.com'), BAD_DOMAIN)
  t.is(emailProblem('ada@[192.0.2.1]'), BAD_DOMAIN)
  t.is(emailProblem('ada@b\u00FCcher.de'), BAD_DOMAIN, 'a Unicode domain must be sent as its A-label')
  t.is(emailProblem('ada@xn--bcher-kva.de'), undefined)
})

test('the rule judges the normalised form: capitals are refused unless lower-cased first', (t) => {
  t.is(emailProblem('Ada@example.com'), BAD_NAME)
  t.is(emailProblem(normalizeEmail(' Ada@Example.com ')), undefined)
})

test('field errors carry the problem under "email"', (t) => {
  t.deepEqual(emailFieldErrors('ada@example.com'), [])
  t.deepEqual(emailFieldErrors('ada@localhost'), [
    { loc: ['email'], msg: `value is not a valid email address: ${NO_DOT}`, type: 'value_error.email' },
  ])
})

test('the published pattern accepts, over the raw input, what the rule accepts after normalising', (t) => {
  const pattern = new RegExp(EMAIL_PATTERN, 'u')
  const inputs = [
    'ada@example.com',
    '  Ada.Lovelace@Example.COM\t',
    '\u00A0ada@example.com\u2028',
    "o'brien+tag@mail-1.example.co.uk",
    `${'a'.repeat(64)}@example.com`,
    `${'a'.repeat(65)}@example.com`,
    ` ${'a'.repeat(64)}@example.com`,
    `ada@${'b'.repeat(63)}.com`,
    `ada@${'b'.repeat(64)}.com`,
    `ada@example.${'c'.repeat(63)}`,
    `ada@example.${'c'.repeat(64)}`,
    'ada@example.c',
    'ada@example.123',
    'ada@localhost',
    '.ada@example.com',
    'ada.@example.com',
    'ada..king@example.com',
    'ada@-example.com',
    'ada@example-.com',
    'ada@example..com',
    'ada@example.com.',
    'ada@lovelace@example.com',
    '@example.com',
    'ada@',
    '',
    'ad\u00E9@example.com',
    'ada@b\u00FCcher.de',
    'ada @example.com',
  ]
  for (const raw of inputs) {
    t.is(pattern.test(raw), emailProblem(normalizeEmail(raw)) === undefined, JSON.stringify(raw))
  }
})

// Lower-casing all of Unicode turned the Kelvin sign (U+212A) into the ASCII "k", so the rule accepted
// "\u212Aelvin@example.com" as "kelvin@example.com" while EMAIL_PATTERN, the same rule over the raw
// input, refused it. (U+0130, capital I with dot, lower-cases to "i" + U+0307 and is refused by both.)
test('the pattern and the rule agree on capitals that lower-case to ASCII: the Kelvin sign is not a k', (t) => {
  const pattern = new RegExp(EMAIL_PATTERN, 'u')
  for (const raw of ['\u212Aelvin@example.com', 'kelvin@\u212Aelvin.example', '\u0130da@example.com']) {
    t.false(pattern.test(raw), JSON.stringify(raw))
    t.not(emailProblem(normalizeEmail(raw)), undefined, JSON.stringify(raw))
  }
  t.not(normalizeEmail('\u212Aelvin@example.com'), 'kelvin@example.com')
  t.is(normalizeEmail('  KELVIN@Example.COM '), 'kelvin@example.com')
})
