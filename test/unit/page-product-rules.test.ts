// The pure rules behind issue 27's pages: the device a User-Agent names, the contrast of a brand
// colour, the pages' plain words for an address problem and a duration.
import test from 'ava'
import { loadLocales } from '../../src/infra/i18n/catalogues.js'

const en = loadLocales().translator('en')
import { contrast, textOn } from '../../src/domain/colour-contrast.js'
import { deviceInWords } from '../../src/domain/user-agent.js'
import { durationInWords, fieldMessageOf } from '../../src/http/pages/plain-words.js'

test('deviceInWords: browser and platform, never a version; nothing said when the header names neither', (t) => {
  t.is(deviceInWords('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'), 'Firefox on Windows')
  t.is(deviceInWords('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15'), 'Safari on macOS')
  t.is(deviceInWords('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'), 'Chrome on Android')
  t.is(deviceInWords('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0'), 'Edge on Windows')
  t.is(deviceInWords('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'), 'Safari on iOS')
  t.is(deviceInWords('curl/8.5.0'), undefined)
  t.is(deviceInWords(null), undefined)
})

test('contrast: WCAG ratios, and the text colour on a brand colour', (t) => {
  t.is(Math.round(contrast('#ffffff', '#000000')), 21)
  t.true(contrast('#3157d5', '#ffffff') >= 4.5, 'the default primary on white')
  t.true(contrast('#9db4ff', '#121212') >= 4.5, 'the default dark primary on the dark page')
  t.is(textOn('#00664f'), '#ffffff')
  t.is(textOn('#7fe0c4'), '#111111')
})

test('plain words: an address problem with an example, durations', (t) => {
  t.is(fieldMessageOf(en, { loc: ['email'], msg: 'value is not a valid email address: Email must contain exactly one "@"', type: 'value_error.email' }), 'An email address has one "@", as in name@example.com.')
  t.is(fieldMessageOf(en, { loc: ['email'], msg: 'value is not a valid email address: Email has an invalid domain', type: 'value_error.email' }), 'Enter an email address such as name@example.com.')
  t.is(fieldMessageOf(en, { loc: ['password'], msg: 'Password must contain a digit', type: 'value_error.password' }), 'Password must contain a digit')
  t.is(durationInWords(en, 1), '1 second')
  t.is(durationInWords(en, 61), '2 minutes')
  t.is(durationInWords(en, 7200), 'about 2 hours')
})
