import type { IncomingMessage } from 'node:http'
import type Provider from 'oidc-provider'
import instance from 'oidc-provider/lib/helpers/weak_cache.js'

/**
 * The one module allowed to touch oidc-provider's internals: its per-instance weak cache, the
 * prototypes of its request context and models, the properties its router leaves on a Koa context,
 * and the undocumented fields of its Session and Grant models. Everything else in Heimdall goes
 * through the functions below, never through the library's private parts, so that an upgrade of
 * oidc-provider is checked in one place: test/unit/oidc-provider-internals.test.ts fails when what
 * these functions rely on changes or goes away. Its sibling provider-form-post.ts, which reads the
 * library's form_post page back into a form, is part of the same fence and checked by the same test.
 *
 * Every function here was written against oidc-provider 9.13 (OIDC_PROVIDER_INTERNALS_VERSION): its
 * lib/provider.js, lib/helpers/weak_cache.js, lib/helpers/router.js, lib/helpers/oidc_context.js,
 * lib/models/client.js, lib/models/session.js, lib/models/grant.js and lib/response_modes/form_post.js.
 */

/** The oidc-provider release line whose internals this module reads (package.json's `version` starts with it). */
export const OIDC_PROVIDER_INTERNALS_VERSION = '9.13.'

/** A grant type's handler at the token endpoint, as oidc-provider calls it (with its request context). */
export type GrantTypeHandler = (ctx: Parameters<Parameters<Provider['registerGrantType']>[1]>[0]) => Promise<void>

/**
 * Replaces the token endpoint's handler of `grantType` by `wrap(builtIn)`, registered again (through
 * the public registerGrantType) with the built-in one's parameters and duplicate rules. Relies on
 * oidc-provider 9's weak cache (lib/helpers/weak_cache.js: `grantTypeHandlers`, `grantTypeParams`,
 * `grantTypeDupes`, the Maps Provider#registerGrantType fills): the library has no public way to
 * read a built-in handler. Throws when the grant type has no handler (the internals changed).
 */
export function wrapGrantTypeHandler(provider: Provider, grantType: string, wrap: (builtIn: GrantTypeHandler) => GrantTypeHandler): void {
  const internals = instance(provider)
  const builtIn = internals.grantTypeHandlers.get(grantType)
  if (!builtIn) throw new Error(`oidc-provider registered no ${grantType} grant: its internals changed (see infra/oidc/provider-internals.ts)`)
  provider.registerGrantType(grantType, wrap(builtIn), internals.grantTypeParams.get(grantType), internals.grantTypeDupes.get(grantType))
}

/**
 * The scopes the provider serves (its configuration's `scopes`, with the claims' scopes added), as
 * oidc-provider 9 keeps them after validating the configuration (weak cache `configuration.scopes`,
 * a Set): the configuration object handed to the constructor is not what it reads.
 */
export function servedScopesOf(provider: Provider): ReadonlySet<string> {
  return instance(provider).configuration.scopes
}

/** Where every request to the provider is said to have been made, whatever it says itself. */
export interface PinnedOrigin {
  /** `http` or `https`, without the colon. */
  protocol: string
  /** Host and port, as in a URL's `host`. */
  host: string
  /** The client's address, as Heimdall reads it (client-ip.ts). */
  ipOf(req: IncomingMessage): string
}

/**
 * Makes the provider's request context build its URLs with `provider.urlFor` (issuer-based) and its
 * Koa request report `origin`'s protocol, host and client address. Relies on oidc-provider 9's
 * request context class (Provider#OIDCContext, lib/helpers/oidc_context.js, whose prototype's
 * `urlFor` builds URLs from the request's host), and on the provider being a Koa app whose
 * `request` object is the prototype of every request it serves. Only this provider is changed.
 */
export function pinRequestOrigin(provider: Provider, origin: PinnedOrigin): void {
  provider.OIDCContext.prototype.urlFor = function urlFor(name: string, options?: Record<string, unknown>): string {
    return provider.urlFor(name, options)
  }
  Object.defineProperties(provider.request, {
    protocol: { get: () => origin.protocol },
    host: { get: () => origin.host },
    ip: {
      get(this: { req: IncomingMessage }) {
        return origin.ipOf(this.req)
      },
    },
  })
}

/**
 * Makes the provider compare a presented client secret with `compare(stored, presented)` instead of
 * its constant-time equality with the stored value (Heimdall stores a hash of the secret). Relies on
 * oidc-provider 9's Client model (lib/models/client.js): `compareClientSecret(presented)` on its
 * prototype, reading `this.clientSecret`, answering a boolean or a promise of one.
 */
export function compareClientSecretsWith(provider: Provider, compare: (stored: string, presented: string) => boolean): void {
  provider.Client.prototype.compareClientSecret = function compareClientSecret(this: { clientSecret: string }, presented: string): Promise<boolean> {
    return Promise.resolve(compare(this.clientSecret, presented))
  }
}

/** The provider's route that took a request. */
export interface ProviderRoute {
  /** The route's path pattern below the mount point (`/token`, `/auth/:uid`). */
  path: string
  /** The route's name (`token`, `resume`), as `ctx.oidc.route` says and urlFor takes. */
  name: string
}

/**
 * The route of the provider that took the request, or undefined when none did (an unknown path or
 * method), read after the provider's router ran (a provider.use middleware, after next()). Relies on
 * oidc-provider 9's own router (lib/helpers/router.js), which leaves `_matchedRoute` (the pattern)
 * and `_matchedRouteName` on the Koa context, as @koa/router does.
 */
export function providerRouteOf(ctx: object): ProviderRoute | undefined {
  const { _matchedRoute: path, _matchedRouteName: name } = ctx as { _matchedRoute?: unknown; _matchedRouteName?: unknown }
  return typeof path === 'string' && typeof name === 'string' ? { path, name } : undefined
}

/** The provider's Session, as far as Heimdall reads and changes it. */
export interface ProviderSession {
  accountId?: string
  loginTs?: number
  authorizations?: object
  /** When the stored session expires (epoch seconds): set when it is saved. */
  exp?: number
  /** Whether the request changed the session, so that the provider saves it when it answers. */
  touched?: boolean
  /** The state of the provider's own forms (logout, device code entry). */
  state?: { secret?: string; postLogoutRedirectUri?: string }
}

/** Who signed in to a provider session, and when (epoch seconds): undefined when nobody did. */
export function signInOf(session: ProviderSession | undefined): { accountId: string; loginTs: number } | undefined {
  return session?.accountId && session.loginTs ? { accountId: session.accountId, loginTs: session.loginTs } : undefined
}

/**
 * Makes a provider session forget its sign-in, so that the next authorization asks the user to sign
 * in again, while the session (and its cookie) stays. Relies on oidc-provider 9's Session model
 * (lib/models/session.js): `accountId`, `loginTs` and `authorizations` (per-client grants) are
 * payload fields; they are deleted, not set empty (its `loginAccount` refuses an empty accountId),
 * and `authorizations` is assigned, which marks the session changed so that it is saved.
 */
export function forgetSignIn(session: ProviderSession): void {
  delete session.accountId
  delete session.loginTs
  session.authorizations = {}
}

/** The refresh token a token request presented, as the provider found it. */
export interface PresentedRefreshToken {
  accountId: string
  clientId: string
  /** Whether it had been used (rotated out) before this request. */
  consumed: boolean
}

/**
 * The refresh token the request presented, once the token endpoint's refresh_token grant has loaded
 * it (undefined before, or for another grant). Relies on oidc-provider 9's request context
 * (`ctx.oidc.entities.RefreshToken`, set by lib/helpers/oidc_context.js#entity) and its RefreshToken
 * model's payload fields `accountId`, `clientId` and `consumed` (lib/models/refresh_token.js: set
 * when a rotation consumed it).
 */
export function presentedRefreshTokenOf(ctx: { oidc?: { entities?: Record<string, unknown> } }): PresentedRefreshToken | undefined {
  const token = ctx.oidc?.entities?.RefreshToken as { accountId?: unknown; clientId?: unknown; consumed?: unknown } | undefined
  if (!token || typeof token.accountId !== 'string' || typeof token.clientId !== 'string') return undefined
  return { accountId: token.accountId, clientId: token.clientId, consumed: Boolean(token.consumed) }
}

/**
 * The CSRF token of the provider's own forms (logout confirmation, device code entry), which each
 * form must post back as `xsrf`: '' when there is none. Relies on oidc-provider 9's
 * lib/shared/xsrf.js, which keeps it in the session's `state.secret`.
 */
export function xsrfTokenOf(session: ProviderSession | undefined): string {
  return String(session?.state?.secret ?? '')
}

/**
 * Where the provider's logout goes back to once confirmed (the client's post_logout_redirect_uri,
 * or the authorization a resumed sign-in continues with), kept in the session's `state` by
 * lib/actions/end_session.js and lib/actions/authorization/resume.js (oidc-provider 9).
 */
export function postLogoutTargetOf(session: ProviderSession | undefined): string | undefined {
  return session?.state?.postLogoutRedirectUri
}

/** Whether the provider's session was ever stored: oidc-provider 9's Session sets `exp` when it saves (lib/models/session.js). */
export function wasSessionSaved(session: ProviderSession | undefined): boolean {
  return typeof session?.exp === 'number'
}

/**
 * Keeps the provider from saving the session when it answers this request (its lib/shared/session.js
 * saves a new session only when `touched`): for an error page shown to a browser whose session was
 * never stored, where saving would fail.
 */
export function leaveSessionUnsaved(session: ProviderSession): void {
  session.touched = false
}

/**
 * The sign-in of the provider session with that uid (its cookie's value, as an interaction's
 * `session.uid` names it), through oidc-provider 9's Session.findByUid; undefined when there is none
 * or nobody signed in to it.
 */
export async function signInOfSessionUid(provider: Provider, uid: string): Promise<{ accountId: string; loginTs: number } | undefined> {
  return signInOf((await provider.Session.findByUid(uid)) as ProviderSession | undefined)
}

/** What a grant allows, as Heimdall remembers consent: OIDC scopes and claims, and scopes per resource indicator. */
export interface GrantAccess {
  scopes: string[]
  claims: string[]
  resources: Record<string, string[]>
}

/** A grant of the provider, as Heimdall reads it. `T` is the provider's own Grant object. */
export interface ProviderGrants<T> {
  /** The grant with that id, with whose it is; undefined when there is none. */
  find(grantId: string): Promise<{ grant: T; accountId: string; clientId: string } | undefined>
  /** A new grant of `accountId` to `clientId` allowing `access`, saved: the grant and its id. */
  create(input: { accountId: string; clientId: string; access: GrantAccess }): Promise<{ grant: T; grantId: string }>
  /**
   * The grant `grantId` (a new one of `accountId` to `clientId` without it) allowing `access` on top
   * of what it allowed, saved: its id and everything it allows now. Undefined when `grantId` names
   * no grant (revoked meanwhile).
   */
  extend(input: { grantId?: string; accountId: string; clientId: string; access: GrantAccess }): Promise<{ grantId: string; access: GrantAccess } | undefined>
}

/** oidc-provider 9's Grant model, the part used here (lib/models/grant.js). */
interface GrantModel {
  accountId: string
  clientId: string
  /** Resource indicator -> what its scopes are kept as (read only for its keys). */
  resources?: Record<string, unknown>
  addOIDCScope(scope: string): void
  addOIDCClaims(claims: string[]): void
  addResourceScope(indicator: string, scope: string): void
  getOIDCScope(): string
  getOIDCClaims(): string[]
  getResourceScope(indicator: string): string
  save(): Promise<string>
}

function addAccess(grant: GrantModel, access: GrantAccess): void {
  if (access.scopes.length > 0) grant.addOIDCScope(access.scopes.join(' '))
  if (access.claims.length > 0) grant.addOIDCClaims(access.claims)
  for (const [indicator, scopes] of Object.entries(access.resources)) grant.addResourceScope(indicator, scopes.join(' '))
}

function accessOf(grant: GrantModel): GrantAccess {
  const split = (scope: string) => scope.split(' ').filter(Boolean)
  return {
    scopes: split(grant.getOIDCScope()),
    claims: grant.getOIDCClaims(),
    resources: Object.fromEntries(Object.keys(grant.resources ?? {}).map((indicator) => [indicator, split(grant.getResourceScope(indicator))])),
  }
}

/**
 * The provider's grants through its Grant model (Provider#Grant: `find`, the constructor, the
 * add* and get* methods for OIDC scopes, claims and resource scopes, its `resources` keyed by
 * indicator, and `save`, which answers the id), the shapes of oidc-provider 9.
 */
export function providerGrantsOf(provider: Provider): ProviderGrants<object> {
  return {
    async find(grantId) {
      const grant = (await provider.Grant.find(grantId)) as GrantModel | undefined
      return grant ? { grant, accountId: grant.accountId, clientId: grant.clientId } : undefined
    },
    async create({ accountId, clientId, access }) {
      const grant = new provider.Grant({ accountId, clientId }) as GrantModel
      addAccess(grant, access)
      return { grant, grantId: await grant.save() }
    },
    async extend({ grantId, accountId, clientId, access }) {
      const grant = (grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId, clientId })) as GrantModel | undefined
      if (!grant) return undefined
      addAccess(grant, access)
      return { grantId: await grant.save(), access: accessOf(grant) }
    },
  }
}
