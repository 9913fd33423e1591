import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBodyUpTo } from '../read-body.js'
import { foldedPath, pathOfUrl } from '../request-path.js'
import { OIDC_PREFIX } from './paths.js'
import { answerJson } from './answer-json.js'

/**
 * The endpoints that must take POST as well as GET: authorization (OpenID Connect Core 1.0 section
 * 3.1.2.1) and logout (RP-Initiated Logout 1.0 section 2), below the mount point.
 */
const POST_AS_GET: ReadonlySet<string> = new Set(['/auth', '/session/end'])
/** A form whose parameters go on in a URL: kept well under the 16 KiB Node allows a request's headers. */
export const MAX_FORM_BYTES = 8 * 1024
const FORM_TYPE = 'application/x-www-form-urlencoded'

/**
 * The endpoint (`/auth`, `/session/end`) a POST to the provider is for when it is one of those, or
 * undefined. `path` is below the mount point, query included; any spelling oidc-provider's router
 * takes for it (foldedPath).
 */
export function formPostEndpoint(method: string | undefined, path: string): string | undefined {
  if (method !== 'POST') return undefined
  const pathname = foldedPath(pathOfUrl(path))
  return POST_AS_GET.has(pathname) ? pathname : undefined
}

/**
 * Answers a form POST to the authorization or logout endpoint with 303 See Other to the same
 * endpoint, the form's parameters (after any in the query) in the URL: the request the endpoint takes
 * by GET, with the same parameters (Form Serialization, OIDC Core section 13.2). Why not oidc-provider's
 * own POST support (enableHttpPostMethods): it requires the provider's session cookie to be
 * SameSite=None, which browsers accept only with Secure (so never on an http public URL), and which
 * would send it with every cross-site request. With SameSite=Lax, a cross-site POST (a relying party's
 * form) arrives without the cookie, so the provider would not know the user is signed in (and a
 * logout would not find what to end); the browser follows a 303 with a top-level GET, which carries it.
 * A body that is not a form answers 400, one over MAX_FORM_BYTES 413, both with an OAuth error body.
 */
export async function redirectFormPost(req: IncomingMessage, res: ServerResponse, issuer: string, endpoint: string): Promise<void> {
  const refuse = (status: number, description: string) => answerJson(res, status, { error: 'invalid_request', error_description: description }, { Connection: 'close' })
  const contentType = String(req.headers['content-type'] ?? '')
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase()
  const declared = Number(req.headers['content-length'] ?? 0)
  if (mediaType !== FORM_TYPE && !(mediaType === '' && declared === 0 && req.headers['transfer-encoding'] === undefined)) {
    req.resume()
    return refuse(400, `POST ${OIDC_PREFIX}${endpoint} takes a form (${FORM_TYPE}), not ${mediaType || 'this body'}`)
  }
  const body = declared > MAX_FORM_BYTES ? undefined : (await readBodyUpTo(req, MAX_FORM_BYTES))?.toString('utf8')
  if (body === undefined) {
    req.resume()
    return refuse(413, `The form posted to ${OIDC_PREFIX}${endpoint} is larger than ${MAX_FORM_BYTES} bytes`)
  }
  const url = req.url ?? ''
  const query = url.indexOf('?')
  const parameters = new URLSearchParams(query === -1 ? '' : url.slice(query + 1))
  for (const [name, value] of new URLSearchParams(body)) parameters.append(name, value)
  const search = parameters.toString()
  res.writeHead(303, { Location: `${issuer}${endpoint}${search ? `?${search}` : ''}`, 'Cache-Control': 'no-store', 'Content-Length': '0' })
  res.end()
}

