import { z } from 'zod'
import { emailProblem, normalizeEmail, EMAIL_PATTERN, MAX_EMAIL_LENGTH } from '../domain/email.js'
import { MIN_PASSWORD_LENGTH, MAX_PASSWORD_BYTES } from '../domain/password-policy.js'
import { DELIVERY_METHODS } from '../domain/ssf.js'

/** One place for request and response shapes: requests are validated with them, /openapi.json is built from them. */

function requiredString(description: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'Field required' : 'Input should be a valid string') })
    .meta({ description })
}

const email = requiredString('Email address; trimmed and lower-cased before use')
  .superRefine((value, check) => {
    const problem = emailProblem(normalizeEmail(value))
    if (problem) check.addIssue({ code: 'custom', message: `value is not a valid email address: ${problem}` })
  })
  .meta({ format: 'email', pattern: EMAIL_PATTERN, maxLength: MAX_EMAIL_LENGTH, example: 'ada@example.com' })

export const RegisterRequest = z
  .object({
    email,
    password: requiredString(`At least ${MIN_PASSWORD_LENGTH} characters, at most ${MAX_PASSWORD_BYTES} bytes`).meta({
      minLength: MIN_PASSWORD_LENGTH,
      example: 'Correct-Horse-42',
    }),
  })
  .meta({ id: 'RegisterRequest' })

export const LoginRequest = z
  .object({
    email,
    password: requiredString(`The account password; shorter than ${MIN_PASSWORD_LENGTH} characters answers 422`).meta({
      minLength: MIN_PASSWORD_LENGTH,
      example: 'Correct-Horse-42',
    }),
  })
  .meta({ id: 'LoginRequest' })

export const ValidateRequest = z
  .object({ token: requiredString('An access token (JWT) issued by /auth/login') })
  .meta({ id: 'ValidateRequest' })

export const RefreshRequest = z
  .object({ refresh_token: requiredString('The refresh token from /auth/login or the last /auth/refresh') })
  .meta({ id: 'RefreshRequest' })

/** A one-time token from a mailed link: 256 bits, base64url (43 characters). Longer input is refused before any lookup. */
const mailedToken = (description: string) => requiredString(description).max(128, 'Token is too long').meta({ example: 'dGhpcyBpcyBub3QgYSByZWFsIHRva2VuLCBqdXN0IGFu' })

// No minLength for the document: the link's token is checked first, so a short password with a bad
// token is a 400 (the link), not a 422; the policy is the 422 the operation lists, in words.
const newPassword = requiredString(
  `The new password, by the registration policy: at least ${MIN_PASSWORD_LENGTH} characters, at most ${MAX_PASSWORD_BYTES} bytes, upper and lower case and a digit, not a common password (422 once the token is good)`,
).meta({ example: 'Correct-Horse-42' })

export const ForgotPasswordRequest = z.object({ email }).meta({ id: 'ForgotPasswordRequest' })

export const ResetPasswordRequest = z
  .object({ token: mailedToken('The token from the reset link (its ?token= parameter)'), new_password: newPassword })
  .meta({ id: 'ResetPasswordRequest' })

export const EmailTokenRequest = z
  .object({ token: mailedToken('The token from the mailed link (its ?token= parameter)') })
  .meta({ id: 'EmailTokenRequest' })

export const EmailChangeRequest = z
  .object({
    new_email: email.meta({ description: 'The address to move to; trimmed and lower-cased before use' }),
    password: requiredString('The account password, to prove it is you; a wrong or empty one answers 400').meta({ example: 'Correct-Horse-42' }),
  })
  .meta({ id: 'EmailChangeRequest' })

export const MessageResponse = z.object({ message: z.string() }).meta({ id: 'MessageResponse' })

export const EmailResponse = z
  .object({ message: z.string(), email: z.string().meta({ description: 'The address now verified (for a change: the new one)' }) })
  .meta({ id: 'EmailResponse' })

/** What the first proof of a mailbox ended (usecases/recovery/first-proof.ts); present only when it ended anything. */
const firstProofFields = {
  ended_at_first_proof: z
    .object({
      sessions: z.number().int(),
      totp: z.boolean(),
      passkeys: z.number().int(),
      recovery_codes: z.number().int(),
      oidc_grants: z.number().int(),
      oidc_consents: z.number().int(),
      links: z.number().int().meta({ description: 'Other mailed links still out there (reset, verification, email change)' }),
      identities: z.number().int().meta({ description: 'Identities at other providers that were linked to the account, now unlinked' }),
    })
    .optional()
    .meta({ description: 'This link was the first proof of the mailbox: what was set up before it and has been ended (docs/security.md)' }),
  notice: z.string().optional().meta({ description: 'One sentence for the person naming what was ended' }),
}

export const ResetPasswordResponse = z.object({ message: z.string(), ...firstProofFields }).meta({ id: 'ResetPasswordResponse' })

export const EmailVerifiedResponse = z
  .object({ message: z.string(), email: z.string().meta({ description: 'The address now verified' }), ...firstProofFields })
  .meta({ id: 'EmailVerifiedResponse' })

export const RegisterResponse = z
  .object({ user_id: z.uuid(), email: z.string(), message: z.literal('User created successfully') })
  .meta({ id: 'RegisterResponse' })

export const LoginResponse = z
  .object({
    access_token: z.string().meta({ description: 'JWT (HS256) bound to a server-side session' }),
    token_type: z.literal('bearer'),
    expires_in: z.int().meta({ description: 'Seconds until the access token expires' }),
    refresh_token: z.string().meta({ description: 'Opaque, single-use: /auth/refresh spends it and returns a new one' }),
  })
  .meta({ id: 'LoginResponse' })

export const TokenValidationResponse = z
  .object({
    is_valid: z.boolean(),
    user_id: z.uuid().nullable(),
    email: z.string().nullable(),
    email_verified: z.boolean().nullable().meta({ description: 'Whether the address was proven the user\'s (a verification link, an email change, or an operator); null when the token is not valid' }),
    permissions: z.array(z.string()),
    amr: z.array(z.string()).meta({
      description: 'RFC 8176 methods the session was authenticated with (pwd, otp, hwk, swk, mfa), read from the token; [] when not valid',
    }),
    error: z.string().nullable().meta({ description: 'Why the token is not valid; null when it is' }),
  })
  .meta({ id: 'TokenValidationResponse' })

export const ErrorResponse = z
  .object({
    error: z.string(),
    status_code: z.int(),
    path: z.string(),
    code: z.string().meta({ description: 'The stable dotted error code (auth.locked, request.rate_limited, ...): what a client branches on; the message may change' }),
  })
  .meta({ id: 'ErrorResponse' })

export const ValidationErrorResponse = z
  .object({
    error: z.literal('Validation error'),
    detail: z.array(z.object({ loc: z.array(z.string()), msg: z.string(), type: z.string() })),
    code: z.literal('validation.failed'),
  })
  .meta({ id: 'ValidationErrorResponse' })

export const HealthResponse = z
  .object({
    status: z.enum(['healthy', 'unhealthy', 'starting']).meta({ description: '"starting" (with 503) until the server can take commands' }),
    timestamp: z.iso.datetime(),
    version: z.string(),
  })
  .meta({ id: 'HealthResponse' })

export const DetailedHealthResponse = HealthResponse.extend({
  environment: z.string(),
  system: z.object({ node_version: z.string(), uptime: z.number(), pid: z.int().meta({ description: 'Which worker process answered' }), memory_rss_mb: z.int() }),
  dependencies: z.object({
    database: z.object({
      status: z.enum(['healthy', 'unhealthy']),
      type: z.enum(['sqlite', 'mysql', 'postgres']),
      latency_ms: z.number().nullable(),
    }),
    cache: z.object({ status: z.string(), type: z.string(), keys: z.int(), hits: z.int(), misses: z.int() }),
    revocations: z
      .object({ type: z.enum(['redis', 'database-poll']), status: z.enum(['connected', 'disconnected']) })
      .meta({ description: 'How revocations reach other instances; Redis down means they fall back to the database poll' }),
  }),
  metrics: z.object({ total_requests: z.int(), active_sessions: z.int().nullable(), cache_hit_rate: z.number() }),
}).meta({ id: 'DetailedHealthResponse' })

export const ReadinessResponse = z
  .object({ status: z.enum(['ready', 'not_ready']), reason: z.string().optional() })
  .meta({ id: 'ReadinessResponse' })

export const LivenessResponse = z.object({ status: z.literal('alive') }).meta({ id: 'LivenessResponse' })

export const ServiceInfoResponse = z
  .object({
    service: z.string(),
    version: z.string(),
    description: z.string(),
    docs: z.string(),
    redoc: z.string(),
    openapi: z.string(),
    health: z.string(),
    auth_endpoints: z.record(z.string(), z.string()),
  })
  .meta({ id: 'ServiceInfoResponse' })

export const PublicJsonWebKey = z
  .looseObject({
    kty: z.enum(['RSA', 'OKP']),
    kid: z.string().meta({ description: 'The key id: the kid header of the tokens it signs (its RFC 7638 thumbprint)' }),
    alg: z.enum(['RS256', 'EdDSA']),
    use: z.literal('sig'),
    n: z.string().optional().meta({ description: 'RSA modulus (base64url)' }),
    e: z.string().optional().meta({ description: 'RSA public exponent (base64url)' }),
    crv: z.literal('Ed25519').optional(),
    x: z.string().optional().meta({ description: 'Ed25519 public key (base64url)' }),
  })
  .meta({ id: 'JsonWebKey', description: 'A public key (RFC 7517); private members are never published' })

export const JwksResponse = z
  .object({ keys: z.array(PublicJsonWebKey) })
  .meta({
    id: 'JwksResponse',
    description:
      'The keys tokens are verified with: the signing key, and retired keys until the tokens they signed have expired. Empty with HS256.',
  })

export const IntrospectionRequest = z
  .object({
    token: z.string().min(1).meta({ description: 'The token to examine; anything but a live access token answers active: false' }),
    token_type_hint: z
      .string()
      .optional()
      .meta({ description: 'access_token or refresh_token: accepted and ignored, since only access tokens can be active here' }),
  })
  .meta({ id: 'IntrospectionRequest' })

export const IntrospectionResponse = z
  .object({
    active: z.boolean(),
    sub: z.uuid().optional().meta({ description: 'The user id' }),
    exp: z.int().optional(),
    iat: z.int().optional(),
    iss: z.string().optional(),
    scope: z.string().optional().meta({ description: "The user's permissions, joined by spaces" }),
    username: z.string().optional().meta({ description: 'The email address (Heimdall users have no other name)' }),
    email: z.string().optional(),
    email_verified: z.boolean().optional().meta({ description: 'Whether the address is verified' }),
    token_type: z.literal('access_token').optional(),
    sid: z.string().optional().meta({ description: 'The session the token is bound to' }),
    amr: z.array(z.string()).optional().meta({ description: 'RFC 8176 authentication methods of the session' }),
    client_id: z.string().optional().meta({ description: "The OAuth client, for an access token of Heimdall's OpenID provider (docs/oidc.md)" }),
  })
  .meta({ id: 'IntrospectionResponse', description: 'RFC 7662: only `active` when the token is not active' })

export const OAuthErrorResponse = z
  .object({
    error: z.string().meta({ example: 'invalid_request' }),
    error_description: z.string().optional(),
    code: z.string().optional().meta({ description: "Heimdall's stable dotted error code, on the errors Heimdall's own routes answer (not on oidc-provider's)" }),
  })
  .meta({ id: 'OAuthErrorResponse', description: 'RFC 6749 section 5.2' })

// --- Second factors (issue 16) ---

const password = requiredString('The account password, asked again before a factor changes; a wrong or empty one answers 400').meta({ example: 'Correct-Horse-42' })

export const PasswordConfirmationRequest = z.object({ password }).meta({ id: 'PasswordConfirmationRequest' })

const totpCode = requiredString('The 6-digit code the authenticator app shows now (spaces are ignored)')
  .regex(/^\s*(?:\d\s*){6}$/, 'The code must be 6 digits')
  .transform((value) => value.replace(/\s/g, ''))
  .meta({ example: '123456' })

export const TotpConfirmRequest = z.object({ code: totpCode }).meta({ id: 'TotpConfirmRequest' })

export const TotpSetupResponse = z
  .object({
    secret: z.string().meta({ description: 'Base32 (RFC 4648), for typing into an authenticator app' }),
    otpauth_uri: z.string().meta({ description: 'otpauth://totp/... (Key Uri Format): SHA-1, 6 digits, 30 s' }),
    qr_svg: z.string().meta({ description: 'The QR code of otpauth_uri, an SVG document' }),
  })
  .meta({ id: 'TotpSetupResponse', description: 'Pending until confirmed with a code' })

export const RecoveryCodesResponse = z
  .object({ recovery_codes: z.array(z.string()).length(10).meta({ description: 'Single use each; shown this once, only hashes are kept' }) })
  .meta({ id: 'RecoveryCodesResponse' })

/** A WebAuthn PublicKeyCredential as JSON (WebAuthn L3 toJSON(): base64url members); the library checks the rest. */
const webAuthnCredential = (description: string) =>
  z
    .looseObject({
      id: z.string().min(1).max(2048),
      rawId: z.string().min(1).max(2048),
      type: z.literal('public-key'),
      response: z.looseObject({ clientDataJSON: z.string().min(1).max(8192) }),
      clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    })
    .meta({ description })

export const MfaLoginRequest = z
  .object({
    mfa_token: requiredString('The mfa_token of the 403 mfa_required answer of /auth/login; an unknown, spent, expired or empty one answers 401').max(200),
    code: totpCode.optional(),
    recovery_code: z.string().min(1).max(64).optional().meta({ description: 'One of the recovery codes (case, spaces and dashes are ignored)' }),
    passkey_response: webAuthnCredential('An assertion (navigator.credentials.get) made with options from /auth/passkeys/login/options').optional(),
  })
  .superRefine((value, check) => {
    const given = [value.code, value.recovery_code, value.passkey_response].filter((part) => part !== undefined).length
    if (given !== 1) check.addIssue({ code: 'custom', message: 'Give exactly one of code, recovery_code and passkey_response', path: [] })
  })
  // The refinement above, in the document's words: no JSON Schema is derived from a refinement.
  .meta({ id: 'MfaLoginRequest', oneOf: [{ required: ['code'] }, { required: ['recovery_code'] }, { required: ['passkey_response'] }] })

export const MfaRequiredResponse = z
  .object({
    error: z.enum(['mfa_required', 'mfa_enrollment_required']),
    mfa_token: z.string().optional().meta({ description: 'mfa_required: single use, for POST /auth/login/mfa' }),
    enrollment_token: z.string().optional().meta({ description: 'mfa_enrollment_required: a Bearer token that only allows TOTP setup/confirm and passkey registration' }),
    methods: z.array(z.enum(['passkey', 'totp', 'recovery_code'])),
    expires_in: z.int().meta({ description: 'Seconds the token stays usable' }),
  })
  .meta({ id: 'MfaRequiredResponse' })

export const PasskeyRegisterRequest = z
  .object({
    response: webAuthnCredential('The attestation (navigator.credentials.create) made with options from /auth/passkeys/register/options'),
    name: z.string().trim().min(1, 'The name must not be empty').max(100).default('Passkey').meta({ description: 'A label for the owner, e.g. "Laptop"' }),
  })
  .meta({ id: 'PasskeyRegisterRequest' })

export const PasskeyLoginOptionsRequest = z
  .object({
    email: email.optional().meta({ description: "Only this user's passkeys; without it, the authenticator offers its discoverable ones" }),
    mfa_token: z.string().min(1).max(200).optional().meta({ description: 'For the second step of a login: only that user' }),
  })
  .meta({ id: 'PasskeyLoginOptionsRequest' })

export const PasskeyLoginRequest = z
  .object({ response: webAuthnCredential('The assertion (navigator.credentials.get)') })
  .meta({ id: 'PasskeyLoginRequest' })

export const PasskeyResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime().nullable(),
    backed_up: z.boolean().meta({ description: 'A synced (multi-device) passkey' }),
  })
  .meta({ id: 'Passkey' })

// --- Shared Signals (issue 25, docs/ssf.md): what receivers send, checked by routes/ssf.ts before any
// stream is looked up (a malformed request is 400 ssf.invalid_request whatever stream it names) ---

const ssfStreamId = z.string().min(1).max(64).meta({ description: 'The stream_id the stream was created with' })
const ssfEventUri = z.string().max(500).meta({ description: 'An event-type URI (CAEP: https://schemas.openid.net/secevent/caep/event-type/...)' })

const ssfStreamSettings = {
  events_requested: z
    .array(ssfEventUri)
    .max(50)
    .optional()
    .meta({ description: 'The event types wanted; unknown ones are kept but not delivered (events_delivered). Default: every supported one' }),
  description: z.string().max(500).nullable().optional(),
  delivery: z
    .object({
      method: z.enum(DELIVERY_METHODS).meta({ description: 'urn:ietf:rfc:8936 poll (RFC 8936), urn:ietf:rfc:8935 push (RFC 8935)' }),
      endpoint_url: z
        .string()
        .max(2000)
        .optional()
        .meta({ description: "Push: the receiver's absolute http(s) URL, without credentials (required; 400 otherwise). Poll: the transmitter supplies it (400 if given)" }),
      authorization_header: z
        .string()
        .max(4096)
        .nullable()
        .optional()
        .meta({ description: 'Push: the Authorization header value each POST carries (one line); sealed at rest, never shown back' }),
    })
    .optional()
    .meta({ description: 'Poll by default' }),
}

export const SsfStreamCreateRequest = z.object(ssfStreamSettings).meta({ id: 'SsfStreamCreateRequest', description: 'SSF 1.0 section 8.1.1.1' })

export const SsfStreamUpdateRequest = z
  .object({ stream_id: ssfStreamId, ...ssfStreamSettings })
  .meta({ id: 'SsfStreamUpdateRequest', description: 'PATCH: the members given replace theirs; PUT: the body is the whole configuration (SSF 1.0 sections 8.1.1.3-4)' })

export const SsfStream = z
  .object({
    stream_id: z.string(),
    iss: z.string().meta({ description: "The transmitter's issuer (HEIMDALL_PUBLIC_URL)" }),
    aud: z.string().meta({ description: "The SETs' audience: the receiver's client id" }),
    events_supported: z.array(z.string()),
    events_requested: z.array(z.string()),
    events_delivered: z.array(z.string()),
    delivery: z.object({
      method: z.enum(DELIVERY_METHODS),
      endpoint_url: z.string().nullable().meta({ description: 'Poll: where to poll (POST /ssf/poll/{stream_id}); push: where SETs are sent' }),
    }),
    description: z.string().optional(),
  })
  .meta({ id: 'SsfStream', description: 'A stream configuration (SSF 1.0 section 8.1.1); the push Authorization header is never shown' })

const ssfStatus = z.enum(['enabled', 'paused', 'disabled']).meta({ description: 'paused holds events until enabled; disabled drops them' })

export const SsfStreamStatusRequest = z
  .object({ stream_id: ssfStreamId, status: ssfStatus, reason: z.string().nullable().optional().meta({ description: 'Kept up to 500 characters' }) })
  .meta({ id: 'SsfStreamStatusRequest', description: 'SSF 1.0 section 8.1.2.2' })

export const SsfStreamStatus = z
  .object({ stream_id: z.string(), status: ssfStatus, reason: z.string().optional() })
  .meta({ id: 'SsfStreamStatus', description: 'SSF 1.0 section 8.1.2' })

export const SsfVerificationRequest = z
  .object({ stream_id: ssfStreamId, state: z.string().max(500).optional().meta({ description: 'Sent back in the verification SET' }) })
  .meta({ id: 'SsfVerificationRequest', description: 'SSF 1.0 section 8.1.4' })

export const SsfPollRequest = z
  .object({
    ack: z.array(z.string()).max(1000).optional().meta({ description: 'jti of SETs received: never sent again' }),
    setErrs: z
      .record(z.string(), z.object({ err: z.string(), description: z.string() }))
      .optional()
      .meta({ description: 'jti of SETs that could not be processed, with why (RFC 8936 section 2.6, error codes of RFC 8935 section 2.4): never sent again; at most 1000' }),
    maxEvents: z.int().min(0).optional().meta({ description: 'At most this many SETs (100 by default; more than 1000 answers 1000); 0 only acknowledges' }),
    returnImmediately: z.boolean().optional().meta({ description: 'false (the default): wait up to HEIMDALL_SSF_LONG_POLL_MS for an event when none is pending' }),
  })
  .meta({ id: 'SsfPollRequest', description: 'RFC 8936 section 2.2' })

export const SsfPollResponse = z
  .object({
    sets: z.record(z.string(), z.string()).meta({ description: 'SETs (compact JWS, typ secevent+jwt) by jti, oldest first; sent again until acknowledged' }),
    moreAvailable: z.boolean(),
  })
  .meta({ id: 'SsfPollResponse', description: 'RFC 8936 section 2.3' })

export const SsfConfiguration = z
  .object({
    spec_version: z.string(),
    issuer: z.string(),
    jwks_uri: z.string().meta({ description: 'The keys SETs are signed with (the same set as the access tokens)' }),
    delivery_methods_supported: z.array(z.enum(DELIVERY_METHODS)),
    configuration_endpoint: z.string(),
    status_endpoint: z.string(),
    verification_endpoint: z.string(),
    authorization_schemes: z.array(z.object({ spec_urn: z.string() })),
    default_subjects: z.enum(['ALL', 'NONE']),
  })
  .meta({ id: 'SsfConfiguration', description: 'Transmitter configuration metadata (SSF 1.0 section 7.1)' })
