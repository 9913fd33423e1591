import type { ParameterizedContext } from 'koa'
import type { Context } from '../../../context.js'
import { HeimdallError } from '../../../errors.js'
import { getClient } from '../../../usecases/oidc/list-clients.js'

/** The OpenID client a page was reached for: its client_id and the name people see. */
export interface AskingApplication {
  clientId: string
  name: string
}

/**
 * The application an account page was opened for: the OpenID sign-in step and prompt=create lead
 * to the sign-in and registration pages with `?client_id=`, and the page names the client. An
 * unknown client_id names nothing (the page is the plain one). Throws what the client lookup throws
 * besides client.not_found (a database outage).
 */
export async function askingApplication(context: Context, ctx: ParameterizedContext): Promise<AskingApplication | undefined> {
  const clientId = ctx.query.client_id
  if (typeof clientId !== 'string' || clientId === '') return undefined
  try {
    return { clientId, name: (await getClient(context, { clientId })).name }
  } catch (error) {
    if (error instanceof HeimdallError && error.code === 'client.not_found') return undefined
    throw error
  }
}

/** `path` with the asking application's ?client_id=, so that the next page names it too. */
export function keepingApplication(path: string, application: AskingApplication | undefined): string {
  return application ? `${path}?${new URLSearchParams({ client_id: application.clientId })}` : path
}
