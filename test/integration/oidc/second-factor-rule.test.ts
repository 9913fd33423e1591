// HEIMDALL_MFA_REQUIRED_ROLES over OpenID Connect: a session that signed in with one factor does not
// gain a required role through tokens the provider issues later (refresh, a new authorization in the
// browser that is already signed in), in userinfo's roles and permissions either.
import test from 'ava'
import * as oidc from 'openid-client'
import { backends } from '../../support/db.js'
import { oidcServersForFile } from '../../support/oidc.js'
import { relyingParty, signInOverHttp } from '../../support/oidc-http-sign-in.js'
import { changeUserRole } from '../../../src/usecases/roles/change-user-role.js'

const servers = oidcServersForFile({ HEIMDALL_MFA_REQUIRED_ROLES: 'admin' })
const SCOPE = 'openid email roles offline_access'

for (const backend of backends()) {
  test(`a one-factor OIDC sign-in gains no required role after user:grant: refresh, userinfo and the signed-in browser's next authorization [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const { browser, tokens, sub } = await signInOverHttp(rp, { scope: SCOPE })
    t.deepEqual(tokens.claims()!.amr, ['pwd'])
    await changeUserRole(server.context, { email: rp.email, role: 'admin', grant: true })

    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)
    const info = await oidc.fetchUserInfo(rp.config, refreshed.access_token, sub)
    t.deepEqual(info.roles, ['user'], 'the session signed in with the password alone')
    t.false((info.permissions as string[]).includes('role:manage'))

    const again = await signInOverHttp(rp, { scope: SCOPE, browser })
    const againInfo = await oidc.fetchUserInfo(rp.config, again.tokens.access_token, sub)
    t.deepEqual(againInfo.roles, ['user'], 'the browser signed in already: the same one-factor session')
    t.false((againInfo.permissions as string[]).includes('role:manage'))
  })
}
