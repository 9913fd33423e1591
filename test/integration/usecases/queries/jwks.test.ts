import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto'
import { claimsOf } from '../../../support/jwt.js'
import { headerOf, hmacToken, verifyWithJwks, type Jwk } from '../../../support/jwks.js'
import { serverTest, TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../../support/server.js'

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

for (const alg of ['RS256', 'EdDSA'] as const) {
  const options = { env: { HEIMDALL_JWT_ALG: alg } }

  serverTest(
    `${alg}: tokens carry a kid and verify with the public key from /.well-known/jwks.json alone`,
    async (t, server) => {
      const email = uniqueEmail(alg.toLowerCase())
      const { userId, accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
      const header = headerOf(accessToken)
      t.is(header.alg, alg)
      t.is(typeof header.kid, 'string')

      const jwks = await server.client.jwks()
      t.is(jwks.statusCode, 200)
      t.regex(String(jwks.headers['cache-control']), /^public, max-age=\d+$/)
      t.is(jwks.body.keys.length, 1)
      const [jwk] = jwks.body.keys as Jwk[]
      t.like(jwk, { kid: header.kid, alg, use: 'sig', kty: alg === 'RS256' ? 'RSA' : 'OKP' })
      for (const member of PRIVATE_JWK_MEMBERS) t.false(member in jwk, `the JWKS must not carry "${member}"`)

      // An independent verifier, as a service would run it: node:crypto and the published key only.
      const claims = verifyWithJwks(accessToken, jwks.body as { keys: Jwk[] })
      t.like(claims, { sub: userId, email, iss: 'heimdall' })
      const validated = await server.client.validate(accessToken)
      t.like(validated.body, { is_valid: true, user_id: userId })
      t.is((await server.client.me(accessToken)).statusCode, 200)
      const introspected = await server.client.http.post('oauth/introspect', { form: { token: accessToken } })
      t.like(introspected.body, { active: true, sub: userId })
    },
    options,
  )

  serverTest(
    `${alg}: alg confusion, unknown or missing kids, foreign keys and tampering are rejected`,
    async (t, server) => {
      const { accessToken } = await server.client.registerAndLogin(uniqueEmail('confusion'), TEST_PASSWORD)
      const claims = claimsOf(accessToken)
      const { kid } = headerOf(accessToken) as { kid: string }
      const jwk = (await server.client.jwks()).body.keys[0] as Jwk
      const publicPem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()

      const forged = {
        // The classic confusion: HS256 with the public key (as PEM, as JWK text, as raw bytes) as the HMAC secret.
        hs256WithPem: hmacToken({ alg: 'HS256', typ: 'JWT', kid }, claims, publicPem),
        hs256WithJwk: hmacToken({ alg: 'HS256', typ: 'JWT', kid }, claims, JSON.stringify(jwk)),
        hs256WithRawKey: hmacToken({ alg: 'HS256', typ: 'JWT', kid }, claims, Buffer.from(jwk.x ?? jwk.n, 'base64url')),
        // HS256 with the server's secret is not accepted either once tokens are asymmetric.
        hs256WithSecret: hmacToken({ alg: 'HS256', typ: 'JWT' }, claims, TEST_SECRET),
        none: `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${accessToken.split('.')[1]}.`,
        unknownKid: resign(accessToken, { kid: 'not-a-key-of-this-server' }),
        noKid: resign(accessToken, { kid: undefined }),
        otherAlgName: resign(accessToken, { alg: alg === 'RS256' ? 'EdDSA' : 'RS256' }),
        withJku: resign(accessToken, { jku: 'https://attacker.example/jwks.json' }),
        tampered: `${accessToken.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, permissions: ['role:manage'] })).toString('base64url')}.${accessToken.split('.')[2]}`,
        foreignKey: signWithForeignKey(alg, kid, claims),
      }
      // Verified once first, so that the forgeries that keep its signature meet the verified-token cache.
      t.true((await server.client.validate(accessToken)).body.is_valid, 'the genuine token validates')
      for (const [name, token] of Object.entries(forged)) {
        const result = await server.client.validate(token)
        t.false(result.body.is_valid, name)
        t.is((await server.client.me(token)).statusCode, 401, name)
      }
      t.true((await server.client.validate(accessToken)).body.is_valid, 'the genuine token still validates')
    },
    options,
  )

  serverTest(
    `${alg}: the private key is stored encrypted, never in clear`,
    async (t, server) => {
      await server.client.registerAndLogin(uniqueEmail('at-rest'), TEST_PASSWORD)
      const rows = await server.context.db('signing_keys').select('*')
      t.is(rows.length, 1)
      const [row] = rows
      const stored = JSON.stringify(row)
      t.false(stored.includes('PRIVATE KEY'))
      // PKCS#8 DER of an RSA 2048 or an Ed25519 key, base64 or base64url.
      for (const prefix of ['MIIEv', 'MC4CAQAwBQYDK2Vw']) t.false(stored.includes(prefix))
      const publicJwk = JSON.parse(row.public_jwk)
      for (const member of PRIVATE_JWK_MEMBERS) t.false(member in publicJwk, member)
      t.regex(row.private_key_encrypted, /^v2\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/, 'sealed under a data key named in the value')
      t.is(row.alg, alg)
      t.is(row.retired_at, null)
    },
    options,
  )
}

serverTest('HS256 (the default) publishes an empty key set and keeps its tokens as they were', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('hs256'), TEST_PASSWORD)
  const header = headerOf(accessToken)
  t.is(header.alg, 'HS256')
  t.false('kid' in header)
  const jwks = await server.client.jwks()
  t.is(jwks.statusCode, 200)
  t.deepEqual(jwks.body, { keys: [] })
  t.regex(String(jwks.headers['cache-control']), /max-age=\d+/)
  t.true((await server.client.validate(accessToken)).body.is_valid)
})

serverTest('the JWKS endpoint is documented and advertised', async (t, server) => {
  const openapi = (await server.client.openapi()).body
  t.truthy(openapi.paths['/.well-known/jwks.json']?.get)
  t.truthy(openapi.components.schemas.JwksResponse)
  t.is((await server.client.serviceInfo()).body.auth_endpoints.jwks, '/.well-known/jwks.json')
})

/** The token with header members changed (undefined removes one) and its signature kept: it no longer matches. */
function resign(token: string, changes: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.')
  const header = JSON.parse(JSON.stringify({ ...headerOf(token), ...changes }))
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`
}

/** A well-formed token of the right algorithm and kid, signed by a key that is not the server's. */
function signWithForeignKey(alg: 'RS256' | 'EdDSA', kid: string, claims: Record<string, unknown>): string {
  const { privateKey } = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')
  const input = `${Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
  return `${input}.${sign(alg === 'RS256' ? 'sha256' : null, Buffer.from(input), privateKey).toString('base64url')}`
}
