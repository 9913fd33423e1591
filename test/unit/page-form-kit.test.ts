// The pieces of the page-form kit that need no server: the words a refused form shows (problemOf),
// the passkey answer reader, and the Set-Cookie lines every page cookie is written with (the
// attributes are part of the HTTP contract; the integration tests read them from real responses).
import test from 'ava'
import { loadLocales } from '../../src/infra/i18n/catalogues.js'

const en = loadLocales().translator('en')
import type { ParameterizedContext } from 'koa'
import { HeimdallError, validationError } from '../../src/errors.js'
import { problemOf } from '../../src/http/pages/form-page.js'
import { createPageCookies, type PageCookie } from '../../src/http/pages/cookies.js'
import { ACCOUNT, ENROLMENT } from '../../src/http/pages/account/cookie.js'
import { passkeyAnswerOf } from '../../src/http/pages/account/passkey-answer.js'

/** The Set-Cookie lines a cookie writer appends, on the one method of a Koa context it calls. */
function written(write: (ctx: ParameterizedContext) => void): string[] {
  const lines: string[] = []
  write({ append: (name: string, value: string) => name === 'Set-Cookie' && lines.push(value) } as unknown as ParameterizedContext)
  return lines
}

test('problemOf: a validation failure goes beside its fields (renamed ones too), the rest above the form', (t) => {
  const error = validationError([
    { loc: ['body', 'password'], msg: 'Too short', type: 'value_error' },
    { loc: ['body', 'other'], msg: 'Odd', type: 'value_error' },
  ])
  const problem = problemOf(en, error, ['new_password'], { password: 'new_password' })
  t.deepEqual(problem.errors, { new_password: ['Too short'], '': ['Odd'] })
  t.is(problem.message, 'Too short Odd')
  t.is(problem.status, 422)
  const wrong = new HeimdallError('auth.invalid_credentials', 'Incorrect password')
  const refused = problemOf(en, wrong, ['email'])
  t.deepEqual(refused.errors, { '': ['Incorrect password'] })
  t.is(refused.message, 'Incorrect password')
  // A lockout in a page's words: how long, and that a reset helps (plain-words.ts); the API keeps its message.
  const locked = problemOf(en, new HeimdallError('auth.locked', 'Too many attempts', undefined, 900), ['email'])
  t.is(locked.message, 'Too many wrong passwords for this account, so it is locked for 15 minutes. Try again then, or choose a new password with "Forgot password?": a reset unlocks it at once.')
  t.deepEqual(locked.errors, { '': [locked.message] })
  t.is(refused.status, 400)
  t.is(locked.status, 429)
})

test('passkeyAnswerOf: a JSON object, or passkey.invalid_response (400) for anything else', (t) => {
  t.deepEqual(passkeyAnswerOf('{"id":"x"}'), { id: 'x' })
  for (const text of ['', 'not json', '1', 'null', '"x"', '[]']) {
    const error = t.throws(() => passkeyAnswerOf(text), { instanceOf: HeimdallError }, text)
    t.is(error?.code, 'passkey.invalid_response')
    t.is(error?.status, 400)
  }
})

test('page cookies: one line shape, Secure only over https, Max-Age when it lives or is forgotten', (t) => {
  const csrf: PageCookie = { name: 'heimdall_csrf', path: '/', sameSite: 'Strict' }
  const plain = createPageCookies(false)
  const secure = createPageCookies(true)
  t.deepEqual(written((ctx) => plain.set(ctx, csrf, 'abc')), ['heimdall_csrf=abc; Path=/; HttpOnly; SameSite=Strict'])
  t.deepEqual(written((ctx) => secure.set(ctx, ACCOUNT, 's.k')), ['heimdall_account=s.k; Path=/; HttpOnly; SameSite=Lax; Secure'])
  t.deepEqual(written((ctx) => secure.clear(ctx, ACCOUNT)), ['heimdall_account=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure'])
  t.deepEqual(written((ctx) => plain.set(ctx, ENROLMENT, 'het_x', 600)), ['heimdall_enrolment=het_x; Path=/account; Max-Age=600; HttpOnly; SameSite=Lax'])
  t.deepEqual(written((ctx) => plain.clear(ctx, ENROLMENT)), ['heimdall_enrolment=; Path=/account; Max-Age=0; HttpOnly; SameSite=Lax'])
})
