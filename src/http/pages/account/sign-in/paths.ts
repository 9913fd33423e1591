/** The sign-in pages' addresses besides the sign-in page itself (LOGIN_PATH, ../shared.ts). */
export const MFA_PATH = '/account/login/mfa'
export const PASSKEY_LOGIN_PATH = '/account/login/passkey'
export const LOGOUT_PATH = '/account/logout'
/** An upstream identity provider, by name: GET starts a sign-in there, `${UPSTREAM_PATH}/callback` is its redirect URI. */
export const UPSTREAM_PATH = '/account/sign-in/:name'
/** Where a person proves the account an upstream identity's address belongs to (link.ts); "link" is no provider's name. */
export const LINK_PATH = '/account/sign-in/link'
/** The link page's passkey proof (link.ts): a passkey of the account with the upstream's address. */
export const LINK_PASSKEY_PATH = '/account/sign-in/link/passkey'
/** The link page's cancel (link.ts): this browser forgets its pending link. */
export const LINK_CANCEL_PATH = '/account/sign-in/link/cancel'

/** The sign-in page's query after a logout: it shows "You are signed out" (never text from the request). */
export const SIGNED_OUT = 'signed_out=1'
