import type { ServerResponse } from 'node:http'
import { noteOAuthRefusal, type OAuthRefusal } from './request-observer.js'

/**
 * Answers a request under /oidc that Heimdall refuses or serves itself, before or beside the
 * provider (the JWKS, a spent budget, a form that is no form, a database outage): JSON, never cached.
 * An error (status 400 and over) is an OAuth error body (`error`, `error_description`; RFC 6749
 * section 5.2), noted for the request's access line as the provider's own refusals are.
 */
export function answerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status >= 400) noteOAuthRefusal(res.req, body as OAuthRefusal)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers })
  res.end(JSON.stringify(body))
}
