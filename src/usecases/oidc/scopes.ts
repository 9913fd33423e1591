/**
 * The scopes clients may request: the OpenID Connect ones Heimdall can fill (`openid`, `email`,
 * `profile`, `offline_access`: OpenID Connect Core 1.0 sections 5.4 and 11), and `roles` (the user's
 * roles and permissions as claims, see docs/oidc.md). `address` and `phone` are not served: Heimdall
 * keeps neither. For client credentials, a client's scopes are Heimdall permission names (user:read
 * ...), checked against the roles table.
 */
export const OIDC_SCOPES = ['openid', 'offline_access', 'email', 'profile', 'roles'] as const
