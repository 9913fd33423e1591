import { errorMessageOf } from '../../pages.js'
import type { ParameterizedContext } from 'koa'
import type { Context } from '../../../../context.js'
import { HeimdallError } from '../../../../errors.js'
import { listProviders } from '../../../../usecases/federation/list-providers.js'
import { beginUpstreamSignIn } from '../../../../usecases/federation/begin-upstream-sign-in.js'
import { completeUpstreamSignIn } from '../../../../usecases/federation/complete-upstream-sign-in.js'
import { signInWithIdentity } from '../../../../usecases/federation/sign-in-with-identity.js'
import type { PageCookie } from '../../cookies.js'
import { isReturnPath, peekReturnTo, setReturnTo } from '../return-to.js'
import { ACCOUNT_PATH, LOGIN_PATH, type AccountDoors } from '../shared.js'
import { finishSignIn } from './finish.js'
import { PENDING_LINK } from './pending-link.js'
import { LINK_PATH, UPSTREAM_PATH } from './paths.js'

/**
 * The browser's half of a sign-in at an upstream, until the upstream sends it back: HttpOnly, and
 * SameSite=Lax because the callback is a top-level navigation from the upstream's site. Only the
 * sign-in paths get it; it lives as long as the flow (FLOW_TTL_MS).
 */
const FLOW: PageCookie = { name: 'heimdall_upstream_flow', path: '/account/sign-in', sameSite: 'Lax', maxAgeSeconds: 10 * 60 }

/**
 * Sign-in with another identity provider (docs/federation.md), the method whose proof comes back by
 * redirect: GET /account/sign-in/NAME starts it (beginUpstreamSignIn; with ?link=TOKEN, the account
 * page's "Link", the CSRF token bound to the session, it links to the signed-in account instead), and
 * GET /account/sign-in/NAME/callback, the redirect URI idp:create prints, completes it. GETs that change
 * state: the flow cookie and the state parameter protect them, as OAuth's redirect needs a GET.
 * A known identity ends in finishSignIn through the password login's rules (signInWithIdentity); an
 * address an account has already goes to the link page (link.ts); a refusal is a page that says why.
 */
export function upstreamSignIn(doors: AccountDoors): void {
  const { pages } = doors

  pages.page(UPSTREAM_PATH, {
    get: async (ctx) => {
      const name = String(ctx.params.name)
      try {
        const linkToUserId = ctx.query.link === undefined ? undefined : await linkingAccount(doors, ctx)
        const returnTo = linkToUserId === undefined ? peekReturnTo(pages.cookies, ctx) : undefined
        const begun = await beginUpstreamSignIn(pages.contextOf(ctx), { provider: name, returnTo, interactionUid: uidOf(returnTo), linkToUserId })
        pages.cookies.set(ctx, FLOW, begun.flowId)
        ctx.status = 303
        ctx.redirect(begun.authorizationUrl)
      } catch (error) {
        renderUpstreamProblem(doors, ctx, error)
      }
    },
  })

  pages.page(`${UPSTREAM_PATH}/callback`, {
    get: async (ctx) => {
      const flowId = pages.cookies.get(ctx, FLOW) ?? ''
      pages.cookies.clear(ctx, FLOW)
      try {
        const context = pages.contextOf(ctx)
        const ip = pages.ipOf(ctx)
        const accountUserId = (await doors.accountOf(ctx))?.userId
        const completed = await completeUpstreamSignIn(context, { callbackUrl: ctx.href, flowId, ip, accountUserId })
        if (isReturnPath(completed.returnTo)) setReturnTo(pages.cookies, ctx, completed.returnTo)
        if (completed.kind === 'linked') return doors.backToAccount(ctx, 'identity_linked')
        if (completed.kind === 'link-required') {
          pages.cookies.set(ctx, PENDING_LINK, completed.pendingLinkToken)
          ctx.status = 303
          return ctx.redirect(LINK_PATH)
        }
        const outcome = await signInWithIdentity(context, { userId: completed.userId, provider: completed.provider, secondFactorSatisfiedUpstream: completed.secondFactorSatisfiedUpstream, ip })
        await finishSignIn(doors, ctx, outcome)
      } catch (error) {
        // A signed-in browser came from its account page ("Link NAME"): the way back is there.
        renderUpstreamProblem(doors, ctx, error, (await doors.accountOf(ctx)) ? 'account' : undefined)
      }
    },
  })
}

/**
 * Where a person who must sign in for an OpenID Connect interaction goes: straight to the provider a
 * relying party named with idp=NAME when it is one here and enabled, else the sign-in page.
 */
export async function signInPathFor(context: Context, idp: unknown, clientId?: string): Promise<string> {
  // The sign-in page names the application asking (views.ts) from its client_id.
  const signIn = clientId ? `${LOGIN_PATH}?${new URLSearchParams({ client_id: clientId })}` : LOGIN_PATH
  if (typeof idp !== 'string' || idp === '') return signIn
  const provider = (await listProviders(context)).find((candidate) => candidate.name === idp && candidate.enabled)
  return provider ? UPSTREAM_PATH.replace(':name', provider.name) : signIn
}

/** The signed-in account a "Link" from the account page is for, its token checked (request.csrf_failed otherwise). */
async function linkingAccount(doors: AccountDoors, ctx: ParameterizedContext): Promise<string> {
  const account = await doors.accountOf(ctx)
  if (!account) throw new HeimdallError('auth.missing_token', 'Sign in first, then link the identity from your account page')
  doors.pages.csrf.verify(ctx, String(ctx.query.link), account.sessionId)
  return account.userId
}

function uidOf(returnTo: string | undefined): string | undefined {
  return returnTo === undefined ? undefined : (new URLSearchParams(returnTo.split('?')[1]).get('uid') ?? undefined)
}

/** What a person is told when an upstream sign-in fails, by code: the status, and whether to say the error's own message. */
const PROBLEMS: Partial<Record<string, { status: number; message?: string }>> = {
  'federation.provider_not_found': { status: 404, message: 'upstream.not_found' },
  'federation.provider_disabled': { status: 403, message: 'upstream.disabled' },
  'federation.invalid_callback': { status: 400, message: 'upstream.invalid_callback' },
  'federation.upstream_refused': { status: 403, message: 'upstream.refused' },
  'federation.upstream_invalid': { status: 400, message: 'upstream.invalid' },
  'federation.upstream_unavailable': { status: 502, message: 'upstream.unavailable' },
}

/**
 * A refused upstream sign-in as a page people understand, with a way back to the sign-in page (never a
 * 500 for what the person or the upstream did): the messages above, else the error's own when it may be
 * shown. Anything that is not a HeimdallError is rethrown for the error handler. The way back is the
 * account page for a link started there (`from`, or the ?link= of the start), else the sign-in page.
 */
export function renderUpstreamProblem(doors: AccountDoors, ctx: ParameterizedContext, error: unknown, from?: 'account'): void {
  if (!(error instanceof HeimdallError)) throw error
  const known = PROBLEMS[error.code]
  const status = known?.status ?? (error.status >= 500 ? 502 : error.status)
  const t = doors.pages.t(ctx)
  const message = known?.message ? t(known.message) : error.expose ? errorMessageOf(t, error) : t('upstream.failed')
  // A link started from the account page goes back there; a sign-in, to the sign-in page.
  const fromAccount = from === 'account' || (ctx.query.link !== undefined && error.code !== 'auth.missing_token')
  const link = fromAccount ? { href: ACCOUNT_PATH, label: t('codes.back') } : { href: LOGIN_PATH, label: t('forgot.back') }
  doors.pages.render(ctx, '@message', { title: t('upstream.title'), tone: 'failure', message, link }, status)
}
