import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { getJwks, JWKS_MAX_AGE_SECONDS } from '../../usecases/signing-keys/get-jwks.js'
import { requestContexts } from '../request-context.js'

export function jwksRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  router.get('/.well-known/jwks.json', async (ctx) => {
    ctx.body = await getJwks(contextOf(ctx))
    ctx.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  })
}
