import test from 'ava'
import {
  loginPasswordFieldErrors,
  MAX_PASSWORD_BYTES,
  MIN_PASSWORD_LENGTH,
  normalizedPasswordBytes,
  normalizePassword,
  passwordFieldErrors,
  passwordProblems,
} from '../../src/domain/password-policy.js'

const TOO_SHORT = 'Password must be at least 8 characters long'
const TOO_LONG = "Password must be at most 72 bytes in UTF-8 after Unicode NFKC normalisation (bcrypt's limit); it is not truncated"
const NO_UPPER = 'Password must contain an upper-case letter'
const NO_LOWER = 'Password must contain a lower-case letter'
const NO_DIGIT = 'Password must contain a digit'
const COMMON = 'Password is one of the most common passwords; choose another'

// U+FDFA, one code point of 3 bytes, is 18 code points and 33 bytes under NFKC (15 Arabic letters of 2 bytes, 3 spaces).
const SALLALLAHOU = '\uFDFA'

test('the limits are 8 characters and bcrypt\'s 72 bytes', (t) => {
  t.is(MIN_PASSWORD_LENGTH, 8)
  t.is(MAX_PASSWORD_BYTES, 72)
})

test('an empty password breaks every rule but the byte limit and the common list', (t) => {
  t.deepEqual(passwordProblems(''), [TOO_SHORT, NO_UPPER, NO_LOWER, NO_DIGIT])
})

test('length is counted in code points of the normalised form: 8 is enough, 7 is not', (t) => {
  t.deepEqual(passwordProblems('Abcdef1g'), [])
  t.deepEqual(passwordProblems('Abcde1g'), [TOO_SHORT])
  // An emoji is two UTF-16 units: seven of them are 14 units but 7 characters.
  t.deepEqual(passwordProblems('Ab1' + '\u{1F600}'.repeat(4)), [TOO_SHORT])
  t.deepEqual(passwordProblems('Ab1' + '\u{1F600}'.repeat(5)), [])
  // "a" + combining diaeresis, typed as 2 code points, is "ä", one code point, after NFKC.
  t.deepEqual(passwordProblems('Ab1' + 'a\u0308'.repeat(4)), [TOO_SHORT], '11 code points typed, 7 normalised')
  // U+FB03 (the "ffi" ligature) is three letters after NFKC.
  t.deepEqual(passwordProblems('Ab1\uFB03\uFB03'), [], '5 code points typed, 9 normalised')
})

test('72 bytes of UTF-8 pass and 73 do not, whatever the number of characters', (t) => {
  // "é" precomposed is 2 bytes: 4 ASCII + 34 x 2 = 72.
  t.deepEqual(passwordProblems('Aa1x' + '\u00E9'.repeat(34)), [])
  t.deepEqual(passwordProblems('Aa1xy' + '\u00E9'.repeat(34)), [TOO_LONG])
  // Emoji are 4 bytes: 4 + 17 x 4 = 72, then 76.
  t.deepEqual(passwordProblems('Aa1x' + '\u{1F600}'.repeat(17)), [])
  t.deepEqual(passwordProblems('Aa1x' + '\u{1F600}'.repeat(18)), [TOO_LONG])
  // 72 ASCII characters, then 73.
  t.deepEqual(passwordProblems('Aa1' + 'b'.repeat(69)), [])
  t.deepEqual(passwordProblems('Aa1' + 'b'.repeat(70)), [TOO_LONG])
})

test('the byte limit counts the normalised form, not the typed one', (t) => {
  // "e" + combining acute is 3 bytes typed, "é" 2 bytes after NFKC: 4 + 34 x 3 = 106 typed, 72 normalised.
  const decomposed = 'Aa1x' + 'e\u0301'.repeat(34)
  t.is(Buffer.byteLength(decomposed, 'utf8'), 106)
  t.is(normalizedPasswordBytes(decomposed), 72)
  t.deepEqual(passwordProblems(decomposed), [])
  // Full-width letters are 3 bytes each typed and 1 after NFKC.
  t.is(normalizedPasswordBytes('\uFF21\uFF42\uFF11'), 3)
  // Expansion the other way: 6 + 2 x 33 = 72 bytes after NFKC from 12 typed, then 73.
  t.is(normalizedPasswordBytes('Aa1Bb2' + SALLALLAHOU.repeat(2)), 72)
  t.deepEqual(passwordProblems('Aa1Bb2' + SALLALLAHOU.repeat(2)), [])
  t.deepEqual(passwordProblems('Aa1Bb2c' + SALLALLAHOU.repeat(2)), [TOO_LONG])
})

test('normalisation is NFKC: composed and decomposed, full-width and ASCII are one password', (t) => {
  t.is(normalizePassword('Gr\u0061\u0308ber1'), 'Gr\u00E4ber1')
  t.is(normalizePassword('\uFF21\uFF42\uFF43\uFF44\uFF11'), 'Abcd1')
  t.is(normalizePassword('x\u00B2'), 'x2', 'superscript two is a digit two')
  t.is(normalizePassword('\u212B'), '\u00C5', 'the angstrom sign is A with ring above')
  t.is(normalizePassword(''), '')
  t.is(normalizedPasswordBytes(''), 0)
})

test('upper-case, lower-case and digit are Unicode classes, judged after NFKC', (t) => {
  t.deepEqual(passwordProblems('abcdefg1'), [NO_UPPER])
  t.deepEqual(passwordProblems('ABCDEFG1'), [NO_LOWER])
  t.deepEqual(passwordProblems('Abcdefgh'), [NO_DIGIT])
  t.deepEqual(passwordProblems('\u00C4\u00F6\u00FCabcd1'), [], 'Ä is upper-case, ö and ü lower-case')
  t.deepEqual(passwordProblems('\u0416\u0436abcde1'), [], 'Cyrillic Zhe in both cases')
  t.deepEqual(passwordProblems('Abcdefg\u0663'), [], 'Arabic-Indic three is a decimal digit')
  t.deepEqual(passwordProblems('Abcdefg\u00B2'), [], 'superscript two becomes the digit 2')
  t.deepEqual(passwordProblems('\uFF21bcdefg1'), [], 'a full-width capital A becomes A')
  // Han characters have no case: neither rule is met.
  t.deepEqual(passwordProblems('\u5BC6\u7801\u5BC6\u7801\u5BC6\u7801\u5BC6\u7801' + '1'), [NO_UPPER, NO_LOWER])
  // A Roman numeral is a letter number (Nl), not a digit: after NFKC it is the capitals XII.
  t.deepEqual(passwordProblems('abcdefg\u216B'), [NO_DIGIT])
})

test('a common password is refused whatever its case or width', (t) => {
  t.deepEqual(passwordProblems('Trustno1'), [COMMON])
  t.deepEqual(passwordProblems('yAnKeEs1'), [COMMON])
  t.deepEqual(passwordProblems('1QAZ2wsx3EDC'), [COMMON])
  // Full-width "Yankees1" is "Yankees1" after NFKC.
  t.deepEqual(passwordProblems('\uFF39\uFF41\uFF4E\uFF4B\uFF45\uFF45\uFF53\uFF11'), [COMMON])
  t.deepEqual(passwordProblems('Trustno12'), [], 'one character more is not on the list')
  t.deepEqual(passwordProblems('password'), [NO_UPPER, NO_DIGIT, COMMON])
})

test('every problem is listed at once, in the order of the rules', (t) => {
  // 25 Han characters of 3 bytes: 75 bytes, no case, no digit.
  t.deepEqual(passwordProblems('\u5BC6'.repeat(25)), [TOO_LONG, NO_UPPER, NO_LOWER, NO_DIGIT])
  t.deepEqual(passwordProblems('1234567'), [TOO_SHORT, NO_UPPER, NO_LOWER, COMMON])
})

test('field errors name the password field, one per problem', (t) => {
  t.deepEqual(passwordFieldErrors('Abcdef1g'), [])
  t.deepEqual(passwordFieldErrors('abc'), [
    { loc: ['password'], msg: TOO_SHORT, type: 'value_error.password' },
    { loc: ['password'], msg: NO_UPPER, type: 'value_error.password' },
    { loc: ['password'], msg: NO_DIGIT, type: 'value_error.password' },
  ])
})

test('a login refuses only a password shorter than 8 characters, typed or normalised', (t) => {
  const refused = [{ loc: ['password'], msg: TOO_SHORT, type: 'value_error.password' }]
  t.deepEqual(loginPasswordFieldErrors(''), refused)
  t.deepEqual(loginPasswordFieldErrors('1234567'), refused)
  t.deepEqual(loginPasswordFieldErrors('12345678'), [], 'no other rule: an old password may be common or all digits')
  t.deepEqual(loginPasswordFieldErrors('\u{1F600}'.repeat(7)), refused, '14 UTF-16 units are still 7 characters')
  t.deepEqual(loginPasswordFieldErrors('\u{1F600}'.repeat(8)), [])
  // Typed long enough, normalised shorter: 8 code points typed, 4 after NFKC.
  t.deepEqual(loginPasswordFieldErrors('a\u0308'.repeat(4)), [])
  // Typed shorter, normalised long enough: 3 ligatures are 9 letters.
  t.deepEqual(loginPasswordFieldErrors('\uFB03'.repeat(3)), [])
  t.deepEqual(loginPasswordFieldErrors('\uFB03\uFB03'), refused, '2 typed, 6 normalised')
  t.deepEqual(loginPasswordFieldErrors('x'.repeat(200)), [], 'no upper limit: only a short password is refused before any check')
})
