import { OIDC_PATH } from '../../config.js'

/**
 * Where the OpenID provider and its pages live, apart from provider.ts on purpose: the dispatch, the
 * rate limit, discovery aliases and the interaction pages need these, and importing provider.ts
 * would load oidc-provider into every server, OpenID Connect on or off (mount.ts loads it on first use).
 */

/** Where the provider is mounted, relative to HEIMDALL_PUBLIC_URL: the issuer is `${publicUrl}${OIDC_PREFIX}`. */
export const OIDC_PREFIX = OIDC_PATH
/** Heimdall's own page that runs the provider's interactions (sign-in, consent): http/pages/oidc/. */
export const INTERACTION_PATH = '/account/oidc'

/** How long the provider remembers a sign-in (its SSO session), at most (seconds): the Heimdall session may end it sooner. */
export const OIDC_SESSION_TTL_SECONDS = 14 * 86400
