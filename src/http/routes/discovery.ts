import type Router from '@koa/router'
import { getServiceInfo } from '../../usecases/service/get-service-info.js'

export function discoveryRoutes(router: Router): void {
  router.get('/', (ctx) => {
    ctx.body = getServiceInfo()
  })
}
