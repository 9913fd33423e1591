import { postJson, sharedServers } from '../../support/mfa.js'
import { FormBrowser, formsOf } from '../../support/oidc-http-sign-in.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { SoftwareAuthenticator } from '../../support/software-authenticator.js'
import { changeUserRole } from '../../../src/usecases/roles/change-user-role.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { markEmailVerified } from '../../../src/usecases/recovery/mark-email-verified.js'

const PUBLIC_URL = 'https://auth.example.test'
const servers = sharedServers({ env: { HEIMDALL_PUBLIC_URL: PUBLIC_URL, HEIMDALL_MFA_REQUIRED_ROLES: 'admin' } })
const NOT_VERIFIED = /^Verify your email address before adding a second factor or passkey/

servers.each('pre-account takeover: no TOTP or passkey is added to a self-registered account before its address is proven', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('squatted')
  const { accessToken } = await client.registerAndLogin(email, TEST_PASSWORD)

  const totp = await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, accessToken)
  t.is(totp.statusCode, 403, JSON.stringify(totp.body))
  t.regex(totp.body.error, NOT_VERIFIED)
  const confirm = await postJson(client, 'auth/mfa/totp/confirm', { code: '123456' }, accessToken)
  t.is(confirm.statusCode, 403)
  const options = await postJson(client, 'auth/passkeys/register/options', {}, accessToken)
  t.is(options.statusCode, 403, JSON.stringify(options.body))
  t.regex(options.body.error, NOT_VERIFIED)
  const user = await server.context.users.findUserByEmail(email)
  t.is(await server.context.mfa.findTotpByUserId(user!.id), undefined, 'no pending secret was written')
  t.is(await server.context.passkeys.countPasskeysByUserId(user!.id), 0)

  await markEmailVerified(server.context, { email })
  const allowed = await postJson(client, 'auth/passkeys/register/options', {}, accessToken)
  t.is(allowed.statusCode, 200, 'once the address is proven')
  const registered = await postJson(client, 'auth/passkeys/register/verify', { response: new SoftwareAuthenticator(PUBLIC_URL).create(allowed.body), name: 'Key' }, accessToken)
  t.is(registered.statusCode, 200, JSON.stringify(registered.body))
})

servers.each('pre-account takeover: the enrolment-only token of a self-registered admin obeys the rule too', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('admin-self')
  await client.register(email, TEST_PASSWORD)
  await changeUserRole(server.context, { email, role: 'admin', grant: true })
  const login = await client.login(email, TEST_PASSWORD)
  t.is(login.body.error, 'mfa_enrollment_required')
  const enrolment: string = login.body.enrollment_token
  const refused = await postJson(client, 'auth/passkeys/register/options', {}, enrolment)
  t.is(refused.statusCode, 403)
  t.regex(refused.body.error, NOT_VERIFIED)
  t.is((await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, enrolment)).statusCode, 403)
})

servers.each('pre-account takeover: an operator-created account (user:create) may enrol before verification', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('operator')
  await registerUser(server.context, { email, password: TEST_PASSWORD, roles: ['admin'], byOperator: true })
  const login = await client.login(email, TEST_PASSWORD)
  t.is(login.body.error, 'mfa_enrollment_required')
  const options = await postJson(client, 'auth/passkeys/register/options', {}, login.body.enrollment_token)
  t.is(options.statusCode, 200, JSON.stringify(options.body))
  t.is((await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, login.body.enrollment_token)).statusCode, 200)
})

servers.each('pre-account takeover: the account page offers no enrolment before the address is proven, and refuses a posted one', async (t, server) => {
  const email = uniqueEmail('page')
  await server.client.register(email, TEST_PASSWORD)
  const browser = new FormBrowser()
  const login = await browser.follow(`${server.url}/account/login`)
  const signInForm = formsOf(await login.response.text()).find((form) => form.action === '/account/login')!
  const signedIn = await browser.request(new URL('/account/login', server.url).href, { form: { ...signInForm.fields, email, password: TEST_PASSWORD } })
  t.is(signedIn.status, 303)
  const page = await (await browser.follow(`${server.url}/account`)).response.text()
  t.regex(page, /Verify your email address first: open the link in the verification mail/)
  const forms = formsOf(page)
  t.false(forms.some((form) => form.action === '/account/totp/setup'), 'no authenticator app form')
  t.false(page.includes('data-passkey="register"'), 'no passkey button')

  const csrf = forms.find((form) => form.action === '/account/password')!.fields.csrf_token
  const posted = await browser.request(new URL('/account/totp/setup', server.url).href, { form: { csrf_token: csrf, setup_password: TEST_PASSWORD } })
  t.is(posted.status, 403)
  t.regex(await posted.text(), /Verify your email address before adding a second factor or passkey/)
  // Adding a passkey asks for the password (as the authenticator app's setup does): with it, the address is what refuses.
  const options = await browser.request(new URL('/account/passkeys/options', server.url).href, { form: { csrf_token: csrf, password: TEST_PASSWORD } })
  t.is(options.status, 403)
})
