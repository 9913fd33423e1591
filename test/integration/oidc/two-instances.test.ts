import test from 'ava'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { backends } from '../../aux/db.js'
import { startOidcServer } from '../../aux/oidc.js'
import { freePort, startTestServer, type TestServer } from '../../aux/server.js'

const pairs = new Map<string, [TestServer & { issuer: string }, TestServer]>()

test.before(async () => {
  for (const backend of backends()) {
    const first = await startOidcServer(backend)
    // A second instance on the same database and public URL, as behind a load balancer.
    const second = await startTestServer(backend, {
      port: await freePort(),
      env: { HEIMDALL_OIDC_ENABLED: 'true', HEIMDALL_PUBLIC_URL: first.issuer.replace(/\/oidc$/, ''), HEIMDALL_DATABASE_URL: first.database.url },
    })
    pairs.set(backend, [first, second])
  }
})
test.after.always(async () => {
  for (const [first, second] of pairs.values()) {
    await second.close()
    await first.close()
  }
})

function oauthPost(url: string, path: string, auth: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${url}/oidc${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  })
}

for (const backend of backends()) {
  test(`two instances on one database share the provider's state: a token issued by one is introspected and revoked at the other [${backend}]`, async (t) => {
    const [first, second] = pairs.get(backend)!
    const { clientId, clientSecret } = await createClient(first.context, { name: 'job', redirectUris: [], postLogoutRedirectUris: [], grants: ['client_credentials'], scopes: ['user:read'], isPublic: false, firstParty: true })
    const auth = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`

    const issued = (await (await oauthPost(first.url, '/token', auth, { grant_type: 'client_credentials', scope: 'user:read' })).json()) as { access_token: string }
    t.truthy(issued.access_token)
    t.like(await (await oauthPost(second.url, '/token/introspection', auth, { token: issued.access_token })).json(), { active: true, client_id: clientId })

    t.is((await oauthPost(second.url, '/token/revocation', auth, { token: issued.access_token })).status, 200)
    t.like(await (await oauthPost(first.url, '/token/introspection', auth, { token: issued.access_token })).json(), { active: false })

    const fromSecond = (await (await oauthPost(second.url, '/token', auth, { grant_type: 'client_credentials', scope: 'user:read' })).json()) as { access_token: string }
    t.like(await (await oauthPost(first.url, '/token/introspection', auth, { token: fromSecond.access_token })).json(), { active: true, scope: 'user:read' })
  })
}
