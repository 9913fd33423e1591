/** The sign-in pages' addresses besides the sign-in page itself (LOGIN_PATH, ../shared.ts). */
export const MFA_PATH = '/account/login/mfa'
export const PASSKEY_LOGIN_PATH = '/account/login/passkey'
export const LOGOUT_PATH = '/account/logout'
