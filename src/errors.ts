/**
 * One entry per error Heimdall can report: its HTTP status, whether its message may be shown, and
 * for one whose message is hidden, what a client reads instead (default "Internal server error").
 */
const CODES = {
  'validation.failed': { status: 422, expose: true },
  'request.malformed_json': { status: 400, expose: true },
  'request.too_large': { status: 413, expose: true },
  // The client hung up (or its body ended malformed) before the whole body came: its doing, not ours.
  'request.aborted': { status: 400, expose: true },
  'request.unsupported_media_type': { status: 415, expose: true },
  'route.not_found': { status: 404, expose: true },
  'route.method_not_allowed': { status: 405, expose: true },
  'request.csrf_failed': { status: 403, expose: true },
  'user.email_taken': { status: 400, expose: true },
  'user.not_found': { status: 404, expose: true },
  'role.not_found': { status: 404, expose: true },
  'session.not_found': { status: 404, expose: true },
  'mail.not_found': { status: 404, expose: true },
  'mail.already_sent': { status: 409, expose: true },
  'mail.not_configured': { status: 503, expose: true },
  'mail.send_failed': { status: 502, expose: true },
  'client.not_found': { status: 404, expose: true },
  // A sound request the client's kind rules out: a public client has no secret to rotate.
  'client.no_secret': { status: 409, expose: true },
  'consent.not_found': { status: 404, expose: true },
  // Webhook endpoints and their deliveries (webhook:*, docs/events.md).
  'webhook.not_found': { status: 404, expose: true },
  'webhook.exists': { status: 409, expose: true },
  'webhook.delivery_not_found': { status: 404, expose: true },
  // Still queued: there is nothing to send again yet.
  'webhook.delivery_queued': { status: 409, expose: true },
  // webhook:test got no 2xx: the receiver's answer, or why there was none.
  'webhook.test_failed': { status: 502, expose: true },
  'auth.invalid_credentials': { status: 400, expose: true },
  // Two codes for a disabled account, each with the status its door's contract fixed. auth.account_disabled
  // (403): a credential was presented to sign in or to get new tokens (login, refresh, the MFA step, a
  // passkey, a reset link asked for). user.disabled (401): a token already issued is used (validate,
  // /auth/me, introspection, the account page): the token no longer authenticates, as for a revoked session.
  'auth.account_disabled': { status: 403, expose: true },
  'auth.email_not_verified': { status: 403, expose: true },
  // The credential was right but is one factor, and a role of the account requires two (HEIMDALL_MFA_REQUIRED_ROLES).
  'auth.second_factor_required': { status: 403, expose: true },
  'recovery.invalid_token': { status: 400, expose: true },
  'auth.invalid_refresh_token': { status: 401, expose: true },
  'auth.refresh_token_reused': { status: 401, expose: true },
  'auth.locked': { status: 429, expose: true },
  'request.rate_limited': { status: 429, expose: true },
  'auth.missing_token': { status: 401, expose: true },
  'token.invalid': { status: 401, expose: true },
  'token.expired': { status: 401, expose: true },
  'session.revoked': { status: 401, expose: true },
  // 401, not 403: see auth.account_disabled above.
  'user.disabled': { status: 401, expose: true },
  'mfa.invalid_code': { status: 400, expose: true },
  'mfa.invalid_token': { status: 401, expose: true },
  'mfa.already_enrolled': { status: 409, expose: true },
  'mfa.not_enrolled': { status: 409, expose: true },
  'passkey.not_found': { status: 404, expose: true },
  'passkey.invalid_response': { status: 400, expose: true },
  'oauth.invalid_request': { status: 400, expose: true },
  // Sign-in through another identity provider (usecases/federation/, docs/federation.md).
  'federation.provider_not_found': { status: 404, expose: true },
  'federation.provider_exists': { status: 409, expose: true },
  'federation.provider_disabled': { status: 403, expose: true },
  // The callback does not belong to a sign-in this browser started: wrong or replayed state, expired flow.
  'federation.invalid_callback': { status: 400, expose: true },
  // The upstream answered an error (access_denied when the person cancelled) or a response that failed its checks.
  'federation.upstream_refused': { status: 502, expose: true },
  // The upstream's answer failed a check (iss, nonce, signature, audience, expiry): never signed in on it.
  'federation.upstream_invalid': { status: 502, expose: true },
  // The upstream could not be reached (discovery, token endpoint, API).
  'federation.upstream_unavailable': { status: 502, expose: true },
  // The upstream identity is new and no account may be created for it (the provider's create_accounts is off).
  'federation.account_creation_disabled': { status: 403, expose: true },
  'federation.link_expired': { status: 400, expose: true },
  // The link page was proven with a passkey of another account than the one with the upstream's address.
  'federation.link_other_account': { status: 403, expose: true },
  // A new identity whose provider gave no usable address: no account can be made or found for it.
  'federation.email_missing': { status: 403, expose: true },
  'federation.identity_not_found': { status: 404, expose: true },
  // The identity is already linked to another account.
  'federation.identity_taken': { status: 409, expose: true },
  // Unlinking it would leave the account with no way to sign in.
  'federation.last_sign_in_method': { status: 409, expose: true },
  'oauth.invalid_token': { status: 401, expose: true },
  // Shared Signals (usecases/ssf/, docs/ssf.md): off when there is no published key to sign SETs with.
  'ssf.disabled': { status: 404, expose: true },
  'ssf.stream_not_found': { status: 404, expose: true },
  // A valid client token without the ssf scope, or another client's stream.
  'ssf.forbidden': { status: 403, expose: true },
  'ssf.invalid_request': { status: 400, expose: true },
  // The CLI's own: the command line is wrong (unknown command or flag, missing argument...), exit 2.
  'cli.usage': { status: 400, expose: true },
  'config.invalid': { status: 500, expose: false },
  'service.not_ready': { status: 503, expose: true },
  // The message names the driver's error (ECONNREFUSED ...): the operator's, not the client's.
  'db.unavailable': { status: 503, expose: false, publicMessage: 'Database unavailable: try again shortly' },
  // Lost a lock conflict (deadlock, lock wait) on every retry: the request was sound, the moment was not.
  'db.busy': { status: 503, expose: true },
  // More sign-ins or password changes at once than HEIMDALL_PASSWORD_HASH_QUEUE lets wait (Retry-After).
  'password.hashing_busy': { status: 503, expose: true },
  'db.not_migrated': { status: 503, expose: false, publicMessage: 'Service unavailable: the database schema is not up to date' },
  'metrics.incomplete': { status: 503, expose: true },
  internal: { status: 500, expose: false },
} as const satisfies Record<string, { status: number; expose: boolean; publicMessage?: string }>

export type ErrorCode = keyof typeof CODES

export interface FieldError {
  /**
   * Where the bad value is. The core names the input field (["email"]); the HTTP door adds the request
   * part it came in (["body", "email"]), the CLI its flag or argument (["--yes"]).
   */
  loc: string[]
  msg: string
  type: string
}

export class HeimdallError extends Error {
  readonly status: number
  readonly expose: boolean
  /** What a client may read: the message when it may be shown, else the code's public wording. */
  readonly publicMessage: string

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** For 429s and 503s: when the client may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.name = 'HeimdallError'
    const entry: { status: number; expose: boolean; publicMessage?: string } = CODES[code]
    this.status = entry.status
    this.expose = entry.expose
    this.publicMessage = entry.expose ? message : (entry.publicMessage ?? 'Internal server error')
  }
}

export function validationError(details: FieldError[]): HeimdallError {
  return new HeimdallError('validation.failed', 'Validation error', details)
}

export function isHeimdallError(error: unknown): error is HeimdallError {
  return error instanceof HeimdallError
}
