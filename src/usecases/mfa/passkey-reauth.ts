import type { Context } from '../../context.js'
import type { PublicKeyCredentialCreationOptionsJSON } from '../../infra/mfa/webauthn.js'
import { confirmPassword } from './confirm-password.js'
import { startPasskeyRegistration } from './passkey-registration.js'
import { deletePasskey } from './passkeys.js'
import type { Principal } from './principal.js'

// The account page asks for the password before a passkey is added or removed, as it does before the
// authenticator app is set up or removed (issue 27): a browser left signed in is not enough to change
// how the account signs in. The API's passkey endpoints keep their contract (an access token).

/** startPasskeyRegistration after the password: auth.invalid_credentials, auth.locked, then what it throws. */
export async function startPasskeyRegistrationWithPassword(ctx: Context, principal: Principal, input: { password: string; ip?: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await confirmPassword(ctx, principal, input.password, input.ip)
  return startPasskeyRegistration(ctx, principal)
}

/** deletePasskey after the password: auth.invalid_credentials, auth.locked, then passkey.not_found. */
export async function deletePasskeyWithPassword(ctx: Context, principal: Principal, input: { id: string; password: string; ip?: string }): Promise<void> {
  await confirmPassword(ctx, principal, input.password, input.ip)
  await deletePasskey(ctx, principal, { id: input.id, ip: input.ip })
}
