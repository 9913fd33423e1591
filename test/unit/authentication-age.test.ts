import test from 'ava'
import { mustAuthenticateAgain } from '../../src/domain/authentication-age.js'

const at = { authTime: 1000, requestedAt: 1100, now: 1200 }

test('a sign-in made for the request stands whatever the request asks, max_age=0 and prompt=login included', (t) => {
  t.false(mustAuthenticateAgain({ ...at, authTime: 1150, prompt: 'login', maxAge: '0' }))
  t.false(mustAuthenticateAgain({ ...at, authTime: 1100, prompt: 'consent login', maxAge: 0 }), 'the same second counts')
})

test('prompt=login asks an earlier sign-in to authenticate again; other prompt values do not', (t) => {
  t.true(mustAuthenticateAgain({ ...at, prompt: 'login' }))
  t.true(mustAuthenticateAgain({ ...at, prompt: 'consent login' }))
  t.false(mustAuthenticateAgain({ ...at, prompt: 'consent' }))
  t.false(mustAuthenticateAgain({ ...at, prompt: 'loginx' }))
  t.false(mustAuthenticateAgain({ ...at }))
})

test('max_age (seconds, as sent) asks a sign-in older than it to authenticate again', (t) => {
  t.false(mustAuthenticateAgain({ ...at, maxAge: '200' }), 'exactly max_age old stands')
  t.true(mustAuthenticateAgain({ ...at, maxAge: '199' }))
  t.true(mustAuthenticateAgain({ ...at, maxAge: 0 }))
  t.false(mustAuthenticateAgain({ ...at, maxAge: '' }))
  t.true(mustAuthenticateAgain({ ...at, maxAge: 'soon' }), 'not a number: the strict answer')
})

test('a null max_age or a prompt that is not a string asks nothing more; an extra space does not hide login', (t) => {
  t.false(mustAuthenticateAgain({ ...at, maxAge: null }))
  t.false(mustAuthenticateAgain({ ...at, prompt: ['login'] }), 'prompt is a space-separated string (OIDC Core 3.1.2.1)')
  t.true(mustAuthenticateAgain({ ...at, prompt: 'consent  login' }), 'an extra space does not hide login')
  t.false(mustAuthenticateAgain({ ...at, authTime: 1099, maxAge: 101 }), 'one second before the request, within max_age')
  t.true(mustAuthenticateAgain({ ...at, authTime: 1099, maxAge: 100 }))
})
