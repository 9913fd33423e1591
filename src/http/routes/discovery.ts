import type Router from '@koa/router'
import { getServiceInfo } from '../../usecases/service/get-service-info.js'

/** Where a person who opens Heimdall's address in a browser is sent: their account page (or its sign-in). */
const BROWSER_HOME = '/account'

/**
 * GET /: the service info as JSON, as it always was, for every client that accepts JSON first (or
 * anything: `*\/*`); a browser, whose Accept puts text/html before JSON, is sent to the account page
 * with a 303 instead of being shown a JSON document (issue 27).
 */
export function discoveryRoutes(router: Router): void {
  router.get('/', (ctx) => {
    if (ctx.accepts('json', 'html') === 'html') {
      ctx.status = 303
      ctx.set('Vary', 'Accept')
      return ctx.redirect(BROWSER_HOME)
    }
    ctx.vary('Accept')
    ctx.body = getServiceInfo()
  })
}
