import test from 'ava'
import { loadConfig } from '../../src/config.js'
import { passkeyUrlProblem } from '../../src/domain/passkey-origin.js'

test('unset, HEIMDALL_PUBLIC_URL is http://localhost on the port served (HEIMDALL_PORT, the --port override); port 0 cannot be named', (t) => {
  t.is(loadConfig({}).publicUrl, 'http://localhost:8000')
  t.is(loadConfig({ HEIMDALL_PORT: '9100' }).publicUrl, 'http://localhost:9100')
  t.is(loadConfig({ HEIMDALL_PORT: '9100' }, { port: 33100 }).publicUrl, 'http://localhost:33100')
  t.is(loadConfig({}, { port: 0 }).publicUrl, 'http://localhost:8000')
  t.is(loadConfig({ HEIMDALL_PUBLIC_URL: 'https://auth.example.com/' }, { port: 33100 }).publicUrl, 'https://auth.example.com', 'a set URL wins')
})

test('passkeys need a host name in a secure context: IP addresses and plain http elsewhere than localhost are named', (t) => {
  for (const fine of ['http://localhost:8000', 'http://auth.localhost', 'https://auth.example.com/prefix', 'https://localhost:8443']) t.is(passkeyUrlProblem(fine), undefined, fine)
  for (const ip of ['http://127.0.0.1:8000', 'https://10.0.0.5', 'http://[::1]:8000', 'https://[2001:db8::1]']) t.regex(passkeyUrlProblem(ip) ?? '', /names an IP address/, ip)
  t.regex(passkeyUrlProblem('http://auth.example.com') ?? '', /plain http/)
})
