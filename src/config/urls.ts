import { configError } from './config-error.js'

export type DatabaseType = 'sqlite' | 'mysql' | 'postgres'

/** The port `serve` listens on when neither HEIMDALL_PORT nor --port says otherwise. */
export const DEFAULT_PORT = 8000

/** Where the OpenID provider is mounted under HEIMDALL_PUBLIC_URL. */
export const OIDC_PATH = '/oidc'

/**
 * The kind of database a URL names: `sqlite:PATH`, `mysql://` / `mariadb://`, or `postgres://` / `postgresql://`. Throws
 * config.invalid for anything else, naming `source` (the variable or flag) when given, the password
 * redacted from the message.
 */
export function databaseTypeOf(url: string, source?: string): DatabaseType {
  if (url.startsWith('sqlite:')) return 'sqlite'
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql'
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres'
  throw configError(`Unsupported database URL "${redactUrl(url)}"${source ? ` in ${source}` : ''}: use sqlite:PATH, mysql://user:pass@host:3306/db or postgres://user:pass@host:5432/db`)
}

/** A database URL fit for printing: the password never leaves the process. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')
}

/**
 * HEIMDALL_PUBLIC_URL when unset: http://localhost on the port the server listens on (HEIMDALL_PORT
 * or `serve --port`). localhost, not 127.0.0.1: browsers refuse an IP address as a WebAuthn relying
 * party id, and treat http://localhost as a secure context. Port 0 (picked at listen time) cannot be
 * named in advance: the default port stands in, and `serve` and `doctor` say to set the URL.
 */
export function defaultPublicUrlOf(port: number): string {
  return `http://localhost:${port === 0 ? DEFAULT_PORT : port}`
}

/** The OpenID provider's issuer, the iss of everything it signs: `${HEIMDALL_PUBLIC_URL}/oidc`. */
export function oidcIssuerOf(config: { readonly publicUrl: string }): string {
  return `${config.publicUrl}${OIDC_PATH}`
}

/**
 * Heimdall's own resource identifier (RFC 8707): HEIMDALL_PUBLIC_URL as configured, without a
 * trailing slash (e.g. `https://auth.example.com`). Access tokens the provider issues for it carry it
 * as their aud, and validate at /auth/validate like Heimdall's own (docs/oidc.md).
 */
export function heimdallResourceOf(config: { readonly publicUrl: string }): string {
  return config.publicUrl
}
