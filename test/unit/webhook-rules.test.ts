import test from 'ava'
import { checkEventPattern, EVENT_TYPES, matchesEventPatterns } from '../../src/domain/events.js'
import { isForbiddenAddress } from '../../src/domain/private-address.js'
import { MAX_RETRY_DELAY_MS, retryDelayMs, retryWindowOver } from '../../src/domain/webhook-retry.js'

test('loopback, private, link-local, CGNAT and metadata addresses are forbidden; public ones are not', (t) => {
  for (const address of ['127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.254', '0.0.0.0', '::1', '::', 'fd00:ec2::254', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', 'not-an-ip']) {
    t.true(isForbiddenAddress(address), address)
  }
  for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    t.false(isForbiddenAddress(address), address)
  }
})

test('event patterns: a type, a family or *; one that matches nothing is refused', (t) => {
  t.is(checkEventPattern('session.revoked'), undefined)
  t.is(checkEventPattern('user.*'), undefined)
  t.is(checkEventPattern('*'), undefined)
  t.regex(checkEventPattern('user.exploded')!, /no event type/)
  t.regex(checkEventPattern('billing.*')!, /matches no event/)
  t.true(matchesEventPatterns('user.created', ['user.*']))
  t.true(matchesEventPatterns('session.revoked', ['user.*', 'session.revoked']))
  t.false(matchesEventPatterns('session.created', ['user.*', 'session.revoked']))
  t.false(matchesEventPatterns('users.created', ['user.*']))
  t.true(EVENT_TYPES.every((type) => matchesEventPatterns(type, ['*'])))
})

test('retries back off exponentially with up to half of jitter, capped at an hour; the window ends retrying', (t) => {
  t.is(retryDelayMs(1, 1000, 0), 1000)
  t.is(retryDelayMs(2, 1000, 0), 2000)
  t.is(retryDelayMs(3, 1000, 0), 4000)
  t.is(retryDelayMs(3, 1000, 0.999), 2002)
  t.is(retryDelayMs(60, 1000, 0), MAX_RETRY_DELAY_MS)
  t.false(retryWindowOver(0, 86_399_999, 86_400))
  t.true(retryWindowOver(0, 86_400_000, 86_400))
})
