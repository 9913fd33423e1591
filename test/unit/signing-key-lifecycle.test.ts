import test from 'ava'
import { isAsymmetric, isPublished, JWT_ALGS, PUBLICATION_SKEW_SECONDS, publicationEnd, signingKeyState } from '../../src/domain/signing-key-lifecycle.js'

// Epoch milliseconds: 2026-12-05T12:00:00Z.
const RETIRED_AT = Date.UTC(2026, 11, 5, 12)
const MINUTE_MS = 60_000

test('the algorithms are HS256, RS256 and EdDSA; only the two asymmetric ones are published', (t) => {
  t.deepEqual([...JWT_ALGS], ['HS256', 'RS256', 'EdDSA'])
  t.true(isAsymmetric('RS256'))
  t.true(isAsymmetric('EdDSA'))
  t.false(isAsymmetric('HS256'))
  t.false(isAsymmetric('ES256'), 'an algorithm read from the database that this version does not know')
  t.false(isAsymmetric('rs256'), 'JWA names are case-sensitive (RFC 7518)')
  t.false(isAsymmetric(''))
})

test('a retired key stays published an access token lifetime (seconds) plus a minute past its retirement (milliseconds)', (t) => {
  t.is(PUBLICATION_SKEW_SECONDS, 60)
  t.is(publicationEnd(RETIRED_AT, 900, null), RETIRED_AT + 15 * MINUTE_MS + MINUTE_MS)
  t.is(publicationEnd(RETIRED_AT, 1, null), RETIRED_AT + 1000 + MINUTE_MS)
  t.is(publicationEnd(RETIRED_AT, 86_400, null), RETIRED_AT + 24 * 60 * MINUTE_MS + MINUTE_MS)
})

test('a key that signed a longer-lived token stays published until that token expires, plus a minute', (t) => {
  const signedUntil = RETIRED_AT + 30 * 24 * 60 * MINUTE_MS
  t.is(publicationEnd(RETIRED_AT, 900, signedUntil), signedUntil + MINUTE_MS)
  // A token that expires before an access token lifetime would does not shorten it.
  t.is(publicationEnd(RETIRED_AT, 900, RETIRED_AT + MINUTE_MS), RETIRED_AT + 16 * MINUTE_MS)
  t.is(publicationEnd(RETIRED_AT, 900, RETIRED_AT + 15 * MINUTE_MS), RETIRED_AT + 16 * MINUTE_MS)
  t.is(publicationEnd(RETIRED_AT, 900, 0), RETIRED_AT + 16 * MINUTE_MS)
})

test('a key is active until retired, then retired while published, then expired', (t) => {
  const publishedUntil = RETIRED_AT + 16 * MINUTE_MS
  t.is(signingKeyState({ retiredAt: null, publishedUntil: null }, RETIRED_AT), 'active')
  t.is(signingKeyState({ retiredAt: null, publishedUntil: RETIRED_AT - 1 }, RETIRED_AT), 'active', 'not retired is active, whatever else is stored')
  t.is(signingKeyState({ retiredAt: RETIRED_AT, publishedUntil }, RETIRED_AT), 'retired')
  t.is(signingKeyState({ retiredAt: RETIRED_AT, publishedUntil }, publishedUntil - 1), 'retired')
  t.is(signingKeyState({ retiredAt: RETIRED_AT, publishedUntil }, publishedUntil), 'expired', 'the end is exclusive')
  t.is(signingKeyState({ retiredAt: RETIRED_AT, publishedUntil }, publishedUntil + 1), 'expired')
  t.is(signingKeyState({ retiredAt: RETIRED_AT, publishedUntil: null }, RETIRED_AT), 'expired', 'retired with no end is not published')
})

test('a key is published while active or retired, not once expired', (t) => {
  const publishedUntil = RETIRED_AT + 16 * MINUTE_MS
  t.true(isPublished({ retiredAt: null, publishedUntil: null }, RETIRED_AT))
  t.true(isPublished({ retiredAt: RETIRED_AT, publishedUntil }, publishedUntil - 1))
  t.false(isPublished({ retiredAt: RETIRED_AT, publishedUntil }, publishedUntil))
  t.false(isPublished({ retiredAt: RETIRED_AT, publishedUntil: null }, RETIRED_AT))
})

test('retirement and publication end compose: published through the last token\'s expiry and the skew', (t) => {
  const key = { retiredAt: RETIRED_AT, publishedUntil: publicationEnd(RETIRED_AT, 900, null) }
  const lastTokenExpiry = RETIRED_AT + 900 * 1000
  t.true(isPublished(key, lastTokenExpiry))
  t.true(isPublished(key, lastTokenExpiry + 59_999))
  t.false(isPublished(key, lastTokenExpiry + 60_000))
})
