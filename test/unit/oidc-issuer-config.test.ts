import test from 'ava'
import { heimdallResourceOf, loadConfig, oidcIssuerOf } from '../../src/config.js'
import { HeimdallError } from '../../src/errors.js'

test("the OpenID issuer and Heimdall's resource identifier come from HEIMDALL_PUBLIC_URL, without a trailing slash", (t) => {
  const config = loadConfig({ HEIMDALL_PUBLIC_URL: 'https://auth.example.com/', HEIMDALL_OIDC_ENABLED: 'true' })
  t.is(oidcIssuerOf(config), 'https://auth.example.com/oidc')
  t.is(heimdallResourceOf(config), 'https://auth.example.com')
})

test("HEIMDALL_JWT_ISSUER may not be the OpenID issuer: the issuer tells Heimdall's tokens from the provider's", (t) => {
  const env = { HEIMDALL_PUBLIC_URL: 'https://auth.example.com', HEIMDALL_JWT_ISSUER: 'https://auth.example.com/oidc' }
  t.is(loadConfig(env).jwtIssuer, 'https://auth.example.com/oidc', 'without OpenID Connect there is nothing to confuse')
  const error = t.throws(() => loadConfig({ ...env, HEIMDALL_OIDC_ENABLED: 'true' }), { instanceOf: HeimdallError })
  t.is(error?.code, 'config.invalid')
  t.regex(error?.message ?? '', /HEIMDALL_JWT_ISSUER/)
})
