import { generateKeyPairSync, randomUUID } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { claimsOf } from '../../support/jwt.js'
import { serverTest, TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../support/server.js'

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

serverTest('alg none, HS/RS confusion and header-supplied keys are rejected', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('alg'), TEST_PASSWORD)
  const claims = claimsOf(accessToken)

  const none = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const rs256 = jwt.sign(claims, privateKey, { algorithm: 'RS256' })
  // The classic confusion: an HS256 token "signed" with the RSA public key as the HMAC secret.
  const confused = jwt.sign(claims, publicKey.export({ type: 'spki', format: 'pem' }).toString(), { algorithm: 'HS256' })
  const hs512 = jwt.sign(claims, TEST_SECRET, { algorithm: 'HS512' })
  const withKeys = ['jku', 'jwk', 'x5u'].map((param) =>
    jwt.sign(claims, TEST_SECRET, { algorithm: 'HS256', header: { alg: 'HS256', [param]: param === 'jwk' ? { kty: 'oct', k: 'AAAA' } : 'https://attacker.example/keys' } as jwt.JwtHeader }),
  )
  for (const token of [none, rs256, confused, hs512, ...withKeys]) {
    const result = await server.client.validate(token)
    t.false(result.body.is_valid, token.slice(0, 40))
    t.is(result.body.user_id, null)
  }
})

serverTest('exp, nbf, iat and iss are enforced', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('claims'), TEST_PASSWORD)
  const { sub, sid, email, permissions } = claimsOf(accessToken)
  const now = Math.floor(Date.now() / 1000)
  const sign = (extra: Record<string, unknown>) => jwt.sign({ sub, sid, email, permissions, iss: 'heimdall', iat: now, exp: now + 600, ...extra }, TEST_SECRET, { algorithm: 'HS256' })

  t.true((await server.client.validate(sign({}))).body.is_valid, 'the forged-with-the-real-secret baseline is valid')
  t.true((await server.client.validate(sign({ iat: now + 30 }))).body.is_valid, '30 s of clock skew is tolerated')

  const expired = await server.client.validate(sign({ iat: now - 1000, exp: now - 10 }))
  t.regex(expired.body.error, /expired/i)
  t.false((await server.client.validate(sign({ nbf: now + 300 }))).body.is_valid, 'not valid before nbf')
  const future = await server.client.validate(sign({ iat: now + 300 }))
  t.false(future.body.is_valid)
  t.regex(future.body.error, /future/)
  t.false((await server.client.validate(sign({ iss: 'someone-else' }))).body.is_valid, 'foreign issuer')
  t.false((await server.client.validate(sign({ sid: randomUUID() }))).body.is_valid, 'a session that does not exist')
  t.false((await server.client.validate(sign({ sub: randomUUID() }))).body.is_valid, 'a session of another user')
})
