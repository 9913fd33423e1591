// The enrolment-only token (het_) a correct password buys an account that must add a factor ends
// when the password is replaced (user:set-password): before, whoever had the old password registered
// a passkey with it afterwards, and that passkey signed in alone.
import { setUserPassword } from '../../../src/usecases/users/set-user-password.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { postJson, sharedServers } from '../../support/mfa.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { SoftwareAuthenticator } from '../../support/software-authenticator.js'

const servers = sharedServers({ env: { HEIMDALL_MFA_REQUIRED_ROLES: 'admin' } })

servers.each('an enrolment-only token got with the old password no longer enrols a factor once the password is replaced', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('admin')
  await registerUser(server.context, { email, password: TEST_PASSWORD, roles: ['admin'], byOperator: true })

  // The attacker has the (phished) password: the login answers an enrolment-only token.
  const refused = await client.login(email, TEST_PASSWORD)
  t.is(refused.body.error, 'mfa_enrollment_required')
  const enrolment: string = refused.body.enrollment_token

  // The owner (or an operator, user:set-password) replaces the password.
  await setUserPassword(server.context, { email, password: 'Brand-New-Pass-456' })

  const key = new SoftwareAuthenticator('http://localhost:8000')
  const options = await postJson(client, 'auth/passkeys/register/options', {}, enrolment)
  const registered = options.statusCode === 200 ? await postJson(client, 'auth/passkeys/register/verify', { response: key.create(options.body), name: 'Attacker' }, enrolment) : options
  if (registered.statusCode === 200) {
    const loginOptions = await postJson(client, 'auth/passkeys/login/options', {})
    const signedIn = await postJson(client, 'auth/passkeys/login/verify', { response: key.get(loginOptions.body) })
    t.log(`the attacker's passkey signs in: ${signedIn.statusCode} ${signedIn.body.access_token ? 'with an access token' : ''}`)
  }
  t.is(registered.statusCode, 401, 'the enrolment token died with the password it was got with')
})
