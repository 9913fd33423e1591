/**
 * The scopes clients may request: the OpenID Connect ones, `roles` (the user's roles and permissions
 * as claims, see docs/oidc.md) and `offline_access` (a refresh token). For client credentials, a
 * client's scopes are Heimdall permission names (users:read ...), checked against the roles table.
 */
export const OIDC_SCOPES = ['openid', 'offline_access', 'email', 'roles'] as const
