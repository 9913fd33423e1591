import type { ServerResponse } from 'node:http'

/**
 * The headers every response of Heimdall carries, whichever side answers it: Heimdall's Koa app
 * (koa-response-headers.ts) and the OpenID provider under /oidc (oidc/mount.ts), which never passes
 * through Koa's middleware. No MIME sniffing of a response into something it is not, and never framed
 * (clickjacking). Set straight on the Node response, before anything else can fail; each side adds
 * its own (Koa: X-API-Version and a CSP of frame-ancestors 'none'; /oidc: Referrer-Policy, as its
 * URLs carry codes and state).
 */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const name in SECURITY_HEADERS) res.setHeader(name, SECURITY_HEADERS[name as keyof typeof SECURITY_HEADERS])
}

/** The headers setSecurityHeaders sets, for an answer written whole (validate-fast-path.ts). */
export const SECURITY_HEADERS = Object.freeze({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' } as const)
