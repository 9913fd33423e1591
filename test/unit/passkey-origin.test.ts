import test from 'ava'
import { passkeyUrlProblem } from '../../src/domain/passkey-origin.js'

test('https on a host name, or http on localhost, can hold passkeys', (t) => {
  t.is(passkeyUrlProblem('https://auth.example.com'), undefined)
  t.is(passkeyUrlProblem('https://auth.example.com:8443/heimdall'), undefined)
  t.is(passkeyUrlProblem('http://localhost:8000'), undefined)
  t.is(passkeyUrlProblem('http://LOCALHOST:8000'), undefined, 'host names are case-insensitive')
  t.is(passkeyUrlProblem('https://localhost'), undefined)
  t.is(passkeyUrlProblem('http://auth.localhost:8000'), undefined, 'a name under .localhost is a secure context too')
})

test('plain http elsewhere is refused, including names that only end in "localhost"', (t) => {
  t.is(passkeyUrlProblem('http://auth.example.com'), 'http://auth.example.com is plain http on a host other than localhost, where browsers refuse passkeys: use https')
  t.is(passkeyUrlProblem('http://notlocalhost:8000'), 'http://notlocalhost:8000 is plain http on a host other than localhost, where browsers refuse passkeys: use https')
  t.is(passkeyUrlProblem('http://localhost.example.com'), 'http://localhost.example.com is plain http on a host other than localhost, where browsers refuse passkeys: use https')
})

test('an IP address is refused whatever the scheme, in every IPv4 spelling and in IPv6', (t) => {
  const ipProblem = (origin: string, port: string) => `${origin} names an IP address, which browsers refuse for passkeys: use a host name (e.g. http://localhost:${port} on this machine)`
  t.is(passkeyUrlProblem('http://127.0.0.1:8000'), ipProblem('http://127.0.0.1:8000', '8000'))
  t.is(passkeyUrlProblem('https://192.0.2.10'), ipProblem('https://192.0.2.10', '80'))
  t.is(passkeyUrlProblem('http://127.1:8000'), ipProblem('http://127.0.0.1:8000', '8000'))
  t.is(passkeyUrlProblem('http://0x7f.1:8000'), ipProblem('http://127.0.0.1:8000', '8000'))
  t.is(passkeyUrlProblem('http://2130706433:8000'), ipProblem('http://127.0.0.1:8000', '8000'))
  t.is(passkeyUrlProblem('http://[::1]:8000'), ipProblem('http://[::1]:8000', '8000'))
  t.is(passkeyUrlProblem('https://[2001:db8::1]'), ipProblem('https://[2001:db8::1]', '80'))
})

test('a host that merely looks numeric in part is a name', (t) => {
  t.is(passkeyUrlProblem('https://1.2.3.4.example.com'), undefined)
  t.is(passkeyUrlProblem('https://10-0-0-1.example.com'), undefined)
})
