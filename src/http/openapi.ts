import { z } from 'zod'
import { VERSION } from '../version.js'
import { API_PREFIXES, inArea, NEEDS_READY_PREFIXES, ROUTE_TABLE } from './route-table.js'
import * as schemas from './schemas.js'

type Schema = z.ZodType

function ref(schema: Schema) {
  const id = z.globalRegistry.get(schema)?.id
  if (!id) throw new Error('every documented schema needs a meta id')
  return { $ref: `#/components/schemas/${id}` }
}

function json(schema: Schema, description: string) {
  return { description, content: { 'application/json': { schema: ref(schema) } } }
}

const errors = {
  '422': json(schemas.ValidationErrorResponse, 'The request body is missing fields or has invalid values'),
  '400': json(schemas.ErrorResponse, 'Malformed JSON, or the request was refused'),
  '413': json(schemas.ErrorResponse, 'Request body larger than 64 KB'),
  '503': json(schemas.ErrorResponse, 'Service is starting, the database is unavailable ("Database unavailable: try again shortly"), or more passwords are waiting to be checked than HEIMDALL_PASSWORD_HASH_QUEUE allows (password.hashing_busy, Retry-After)'),
}

const unauthorized = { '401': json(schemas.ErrorResponse, 'Missing, malformed or invalid token (WWW-Authenticate: Bearer)') }

function post(summary: string, request: Schema, ok: Schema, extra: Record<string, unknown> = {}) {
  return {
    post: {
      summary,
      tags: ['auth'],
      requestBody: { required: true, content: { 'application/json': { schema: ref(request) } } },
      responses: { '200': json(ok, 'Success'), ...errors, ...extra },
    },
  }
}

function bearerPost(summary: string) {
  return {
    post: {
      summary,
      tags: ['auth'],
      security: [{ bearer: [] }],
      responses: {
        '204': { description: 'Revoked' },
        '401': json(schemas.ErrorResponse, 'Missing, malformed or invalid token (WWW-Authenticate: Bearer)'),
      },
    },
  }
}

function accepted(summary: string, request: Schema | undefined, extra: Record<string, unknown> = {}) {
  return {
    post: {
      summary,
      tags: ['recovery'],
      ...(request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(request) } } } } : {}),
      responses: { '202': json(schemas.MessageResponse, 'Accepted'), ...errors, ...extra },
    },
  }
}

function get(summary: string, tag: string, ok: Schema, extra: Record<string, unknown> = {}) {
  return { get: { summary, tags: [tag], responses: { '200': json(ok, 'Success'), ...extra } } }
}

// One pass over the registry, so that schemas nested in others become $refs between components.
const registered = z.toJSONSchema(z.globalRegistry, { io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` })
const componentSchemas = Object.fromEntries(
  Object.values(schemas).map((schema) => {
    const id = z.globalRegistry.get(schema)!.id!
    const { $schema: _, $id: _id, ...jsonSchema } = registered.schemas[id] as Record<string, unknown>
    return [id, jsonSchema]
  }),
)

/** The OpenAPI 3.1 document, built from the very schemas the routes validate with. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Heimdall Authentication Service',
    version: VERSION,
    description: 'Registration, login and validation of JWT access tokens bound to revocable sessions.',
  },
  paths: withCommonAnswers({
    '/auth/register': post('Register a user', schemas.RegisterRequest, schemas.RegisterResponse),
    '/auth/login': post('Log in: opens a session and issues an access token', schemas.LoginRequest, schemas.LoginResponse, {
      '429': json(schemas.ErrorResponse, 'Too many failed attempts: the account is locked out for a while (Retry-After); or too many requests from this IP'),
      '403': json(
        schemas.MfaRequiredResponse,
        'mfa_required: the user has a second factor; finish with POST /auth/login/mfa. mfa_enrollment_required: a role requires a factor and the user has none; the enrollment_token allows only enrolment',
      ),
    }),
    ...mfaPaths(),
    '/auth/refresh': post(
      'Rotate a refresh token: spends it, returns a new access and refresh token; reuse revokes the session',
      schemas.RefreshRequest,
      schemas.LoginResponse,
      { '401': json(schemas.ErrorResponse, 'Unknown, expired, spent (reuse: the session is revoked) or revoked refresh token') },
    ),
    '/auth/logout': bearerPost('Revoke the session of the presented access token'),
    '/auth/logout-all': bearerPost('Revoke every session of the user behind the presented access token'),
    '/auth/password/forgot': accepted(
      'Ask for a password-reset link by mail: always 202 with the same body, whether or not the account exists (at most 3 mails an hour per address)',
      schemas.ForgotPasswordRequest,
      { '429': json(schemas.ErrorResponse, 'Too many requests from this IP') },
    ),
    '/auth/password/reset': {
      post: {
        ...post('Set a new password with the token of a reset link; signs out every session of the user', schemas.ResetPasswordRequest, schemas.ResetPasswordResponse).post,
        tags: ['recovery'],
        responses: {
          '200': json(schemas.ResetPasswordResponse, 'Password set; every session and refresh token of the user revoked (and, at the first proof of the mailbox, everything set up before it)'),
          '400': json(schemas.ErrorResponse, 'The token is unknown, expired, already used or replaced by a newer one'),
          '422': json(schemas.ValidationErrorResponse, 'The new password breaks the registration policy (details at body.new_password)'),
          '413': errors['413'],
        },
      },
    },
    '/auth/email/verify': {
      post: {
        ...post('Confirm an email address with the token of a verification link', schemas.EmailTokenRequest, schemas.EmailVerifiedResponse).post,
        tags: ['recovery'],
        responses: { '200': json(schemas.EmailVerifiedResponse, 'Verified (at the first proof of the mailbox, everything set up before it ended)'), ...errors, '400': json(schemas.ErrorResponse, 'The token is unknown, expired, already used or replaced') },
      },
    },
    '/auth/email/verify/resend': {
      post: {
        ...accepted('Send the signed-in user a new verification link (at most 3 an hour)', undefined).post,
        security: [{ bearer: [] }],
        responses: {
          '202': json(schemas.MessageResponse, 'Sent, or nothing to send: the address is verified already'),
          '401': json(schemas.ErrorResponse, 'Missing, malformed or invalid token'),
          '429': json(schemas.ErrorResponse, 'Too many verification mails for this account'),
        },
      },
    },
    '/auth/email/change': {
      post: {
        ...accepted('Move the signed-in account to a new address: a confirmation link goes to it, a notice to the old one', schemas.EmailChangeRequest).post,
        security: [{ bearer: [] }],
        responses: {
          '202': json(schemas.MessageResponse, 'Confirmation link sent to the new address'),
          '400': json(schemas.ErrorResponse, 'Wrong password, or the new address is already registered'),
          '401': json(schemas.ErrorResponse, 'Missing, malformed or invalid token'),
          '422': errors['422'],
          '429': json(schemas.ErrorResponse, 'Too many failed attempts for this account'),
        },
      },
    },
    '/auth/email/change/confirm': {
      post: {
        ...post('Complete an email change with the token of its confirmation link; the new address is verified', schemas.EmailTokenRequest, schemas.EmailResponse).post,
        tags: ['recovery'],
        responses: {
          '200': json(schemas.EmailResponse, 'Changed'),
          ...errors,
          '400': json(schemas.ErrorResponse, 'The token is unknown, expired, already used or replaced; or the address was taken meanwhile'),
        },
      },
    },
    '/auth/validate': post('Validate an access token (always 200 for a well-formed request)', schemas.ValidateRequest, schemas.TokenValidationResponse),
    '/auth/me': {
      get: {
        summary: 'The user behind a bearer token',
        tags: ['auth'],
        security: [{ bearer: [] }],
        responses: {
          '200': json(schemas.TokenValidationResponse, 'The token is valid'),
          '401': json(schemas.ErrorResponse, 'Missing, malformed or invalid token (WWW-Authenticate: Bearer)'),
        },
      },
    },
    '/health': get('Health with version; 200 only once the server can take commands', 'health', schemas.HealthResponse, {
      '503': json(schemas.HealthResponse, 'Starting: migrations or the first signing key are not done yet'),
    }),
    '/health/detailed': get('Health of every dependency, with metrics', 'health', schemas.DetailedHealthResponse, {
      '503': json(schemas.DetailedHealthResponse, 'Starting, or the database does not answer'),
    }),
    '/ready': get('Readiness: migrations applied and database answering', 'health', schemas.ReadinessResponse, {
      '503': json(schemas.ReadinessResponse, 'Not ready yet'),
    }),
    '/live': get('Liveness of the process', 'health', schemas.LivenessResponse),
    '/metrics': {
      get: {
        summary: 'Prometheus metrics of the instance (every worker added up): requests by route and status, latencies, validations and logins by outcome, session cache, active sessions, database pool, runtime',
        tags: ['health'],
        responses: {
          '200': {
            description: 'Prometheus text exposition format 0.0.4',
            content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
          },
          '503': json(schemas.ErrorResponse, 'A worker did not send its metrics in time'),
        },
      },
    },
    '/oauth/introspect': {
      post: {
        summary: 'RFC 7662 token introspection: the same validation as /auth/validate, in the OAuth shape',
        description:
          'Answers `{"active": false}` for anything but a live access token (expired, revoked, malformed, a refresh token). ' +
          'When HEIMDALL_INTROSPECTION_TOKEN is set, callers must send it as a bearer token; otherwise the endpoint is open and belongs on an internal network.',
        tags: ['oauth'],
        security: [{}, { introspection: [] }],
        requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: ref(schemas.IntrospectionRequest) } } },
        responses: {
          '200': json(schemas.IntrospectionResponse, 'The introspection result (200 whether or not the token is active)'),
          '400': json(schemas.OAuthErrorResponse, 'invalid_request: no token parameter, or more than one'),
          '401': json(schemas.OAuthErrorResponse, 'invalid_token: HEIMDALL_INTROSPECTION_TOKEN is set and was not presented'),
          '413': json(schemas.OAuthErrorResponse, 'Request body larger than 64 KB'),
          '415': json(schemas.OAuthErrorResponse, 'The body is not application/x-www-form-urlencoded'),
        },
      },
    },
    '/.well-known/jwks.json': {
      get: {
        summary: 'The public keys of RS256 / EdDSA access tokens (JWKS, RFC 7517), for services that verify tokens locally',
        description:
          'Verify a token with the key whose `kid` matches its header and with the algorithm that key names, never the one the token names. ' +
          'Cacheable (Cache-Control: public, max-age=300); fetch it again when a token carries a kid you do not know, since a rotation ' +
          '(`heimdall keys:rotate`) signs with the new key at once. With HEIMDALL_JWT_ALG=HS256 (the default) the set is empty.',
        tags: ['discovery'],
        responses: {
          '200': json(schemas.JwksResponse, 'The key set'),
          '503': json(schemas.ErrorResponse, 'Service is starting: migrations are not applied yet'),
        },
      },
    },
    ...ssfPaths(),
    '/': get('Service discovery', 'discovery', schemas.ServiceInfoResponse),
    '/openapi.json': { get: { summary: 'This document', tags: ['docs'], responses: { '200': { description: 'OpenAPI 3.1 JSON' } } } },
    '/docs': { get: { summary: 'Swagger UI (served offline)', tags: ['docs'], responses: { '200': { description: 'HTML' } } } },
    '/redoc': { get: { summary: 'ReDoc (served offline)', tags: ['docs'], responses: { '200': { description: 'HTML' } } } },
  }),
  components: {
    schemas: componentSchemas,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      introspection: { type: 'http', scheme: 'bearer', description: 'The value of HEIMDALL_INTROSPECTION_TOKEN, when set' },
      ssf: {
        type: 'oauth2',
        description: "A Shared Signals receiver: a client credentials access token with the ssf scope from Heimdall's OpenID provider (HEIMDALL_OIDC_ENABLED=true; `heimdall client:create NAME --grant client_credentials --scope ssf`)",
        flows: { clientCredentials: { tokenUrl: '/oidc/token', scopes: { ssf: 'Manage and read its own Shared Signals streams' } } },
      },
    },
  },
}


/** `ok`: the 200 body's schema, or a description of a body with no schema here; undefined for a 204. */
function bearerJson(summary: string, request: Schema | undefined, ok: Schema | { description: string } | undefined, extra: Record<string, unknown> = {}, description?: string) {
  return {
    summary,
    ...(description ? { description } : {}),
    tags: ['mfa'],
    security: [{ bearer: [] }],
    ...(request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(request) } } } } : {}),
    responses: { ...(ok === undefined ? { '204': { description: 'Done' } } : { '200': ok instanceof z.ZodType ? json(ok, 'Success') : ok }), ...unauthorized, ...errors, ...extra },
  }
}

/** Second factors and passkeys (issue 16). */
function mfaPaths() {
  const enrolment = 'Also accepts the enrollment_token of a 403 mfa_enrollment_required login.'
  // The pre-account-takeover rule (usecases/mfa/enrolment-policy.ts, docs/security.md).
  const unverified = { '403': json(schemas.ErrorResponse, 'The address is not verified yet: no second factor or passkey is added before it is') }
  const passwordRefused = { '400': json(schemas.ErrorResponse, 'Incorrect password'), '429': json(schemas.ErrorResponse, 'The account is locked out, or too many requests from this IP (Retry-After)') }
  return {
    '/auth/login/mfa': {
      post: {
        summary: 'Second step of a login: the mfa_token plus a TOTP code, a recovery code or a passkey assertion; answers the token pair (amr pwd + otp|hwk|swk + mfa)',
        tags: ['mfa'],
        requestBody: { required: true, content: { 'application/json': { schema: ref(schemas.MfaLoginRequest) } } },
        responses: {
          '200': json(schemas.LoginResponse, 'Success'),
          ...errors,
          '400': json(schemas.ErrorResponse, 'The code is wrong, expired or already used, or the assertion was refused'),
          '401': json(schemas.ErrorResponse, 'The mfa_token is unknown, spent or expired (5 minutes): log in again'),
          '429': json(schemas.ErrorResponse, "Wrong codes spend the account's lockout budget, as wrong passwords do (Retry-After)"),
        },
      },
    },
    '/auth/mfa/totp/setup': {
      post: bearerJson('Start TOTP enrolment (RFC 6238, SHA-1, 6 digits, 30 s): a new secret, pending until confirmed', schemas.PasswordConfirmationRequest, schemas.TotpSetupResponse, { ...passwordRefused, ...unverified, '409': json(schemas.ErrorResponse, 'TOTP is already enabled') }, enrolment),
    },
    '/auth/mfa/totp/confirm': {
      post: bearerJson('Confirm TOTP with a code from the app; answers 10 recovery codes, shown once', schemas.TotpConfirmRequest, schemas.RecoveryCodesResponse, { ...unverified, '400': json(schemas.ErrorResponse, 'Wrong or expired code'), '409': json(schemas.ErrorResponse, 'Nothing to confirm, or already enabled'), '429': json(schemas.ErrorResponse, 'Too many requests from this IP (Retry-After)') }, enrolment),
    },
    '/auth/mfa/totp/disable': { post: bearerJson('Remove TOTP', schemas.PasswordConfirmationRequest, undefined, { ...passwordRefused, '409': json(schemas.ErrorResponse, 'TOTP is not enabled') }) },
    '/auth/mfa/recovery-codes': {
      post: bearerJson('Replace every recovery code with 10 new ones, shown once', schemas.PasswordConfirmationRequest, schemas.RecoveryCodesResponse, { ...passwordRefused, '409': json(schemas.ErrorResponse, 'No second factor to recover') }),
    },
    '/auth/passkeys/register/options': {
      post: bearerJson(
        'WebAuthn creation options for a new passkey (rp id: the host of HEIMDALL_PUBLIC_URL); the challenge is single use, 5 minutes',
        undefined,
        { description: 'PublicKeyCredentialCreationOptionsJSON (WebAuthn L3)' },
        unverified,
        enrolment,
      ),
    },
    '/auth/passkeys/register/verify': {
      post: bearerJson('Store the passkey the authenticator created', schemas.PasskeyRegisterRequest, schemas.PasskeyResponse, { ...unverified, '400': json(schemas.ErrorResponse, 'Challenge unknown, spent or expired; attestation invalid; passkey already registered') }, enrolment),
    },
    '/auth/passkeys': {
      get: {
        summary: "The caller's passkeys",
        tags: ['mfa'],
        security: [{ bearer: [] }],
        responses: {
          '200': { description: 'Success', content: { 'application/json': { schema: { type: 'object', properties: { passkeys: { type: 'array', items: ref(schemas.PasskeyResponse) } } } } } },
          ...unauthorized,
        },
      },
    },
    '/auth/passkeys/{id}': {
      delete: {
        summary: 'Remove one of your passkeys',
        tags: ['mfa'],
        security: [{ bearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { '204': { description: 'Removed' }, ...unauthorized, '404': json(schemas.ErrorResponse, 'No such passkey of yours') },
      },
    },
    '/auth/passkeys/login/options': {
      post: {
        summary: "WebAuthn request options for a passkey login: only the named user's passkeys, or discoverable ones when no email (or mfa_token) is given",
        tags: ['mfa'],
        requestBody: { required: false, content: { 'application/json': { schema: ref(schemas.PasskeyLoginOptionsRequest) } } },
        responses: {
          '200': { description: 'PublicKeyCredentialRequestOptionsJSON (WebAuthn L3); the challenge is single use, 5 minutes' },
          ...errors,
          '401': json(schemas.ErrorResponse, 'The mfa_token is unknown, spent or expired (5 minutes): log in again'),
        },
      },
    },
    '/auth/passkeys/login/verify': post('Passwordless login with a passkey assertion; answers the token pair (amr hwk|swk, plus mfa with user verification)', schemas.PasskeyLoginRequest, schemas.LoginResponse, {
      '400': json(schemas.ErrorResponse, 'Assertion refused: unknown, spent or expired challenge, wrong origin, bad signature, or a signature counter that did not advance (cloned authenticator)'),
      '403': json(schemas.ErrorResponse, 'auth.second_factor_required: the authenticator did not verify the user and a role of the account requires two factors (HEIMDALL_MFA_REQUIRED_ROLES); or the account is disabled, or its address unverified'),
    }),
  }
}

/**
 * The Shared Signals transmitter (issue 25, docs/ssf.md): its configuration metadata (SSF 1.0 section
 * 7.1), stream management (section 8.1), and poll delivery (RFC 8936). Every operation but the
 * metadata takes a receiver's client credentials token (the ssf security scheme).
 */
function ssfPaths() {
  const receiver = {
    '401': json(schemas.ErrorResponse, 'oauth.invalid_token: no access token, or an unknown or expired one'),
    '403': json(schemas.ErrorResponse, "ssf.forbidden: the token lacks the ssf scope, or the stream is another client's"),
    '404': json(schemas.ErrorResponse, 'ssf.stream_not_found: no such stream; or ssf.disabled: Shared Signals is off (HS256 signs with no published key)'),
  }
  const malformed = { '400': json(schemas.ErrorResponse, 'ssf.invalid_request: the body or stream_id is not as described, or (poll) the stream is delivered by push; request.malformed_json') }
  const operation = (summary: string, request: Schema | undefined, responses: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    summary,
    tags: ['ssf'],
    security: [{ ssf: ['ssf'] }],
    ...(request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(request) } } } } : {}),
    ...extra,
    responses: { ...responses, ...malformed, ...(request ? { '413': errors['413'] } : {}), ...receiver },
  })
  const streamIdQuery = (required: boolean) => ({ name: 'stream_id', in: 'query', required, schema: { type: 'string', minLength: 1, maxLength: 64 } })
  const stream = json(schemas.SsfStream, 'The stream')
  return {
    '/.well-known/ssf-configuration': {
      get: {
        summary: 'Shared Signals transmitter configuration metadata (SSF 1.0 section 7.1)',
        tags: ['ssf'],
        responses: {
          '200': json(schemas.SsfConfiguration, 'The metadata'),
          '404': json(schemas.ErrorResponse, 'ssf.disabled: HEIMDALL_JWT_ALG must be RS256 or EdDSA (SETs are signed with a published key)'),
        },
      },
    },
    '/ssf/stream': {
      post: operation('Create a stream (SSF 1.0 section 8.1.1.1): poll unless delivery says push; it starts one access-token lifetime back', schemas.SsfStreamCreateRequest, { '201': json(schemas.SsfStream, 'Created') }),
      get: operation(
        "One of the client's streams (stream_id), or all of them",
        undefined,
        { '200': { description: 'The stream, or every stream of the client', content: { 'application/json': { schema: { anyOf: [ref(schemas.SsfStream), { type: 'array', items: ref(schemas.SsfStream) }] } } } } },
        { parameters: [streamIdQuery(false)] },
      ),
      patch: operation('Change what the body names of a stream (SSF 1.0 section 8.1.1.3)', schemas.SsfStreamUpdateRequest, { '200': stream }),
      put: operation('Replace a stream\'s configuration (SSF 1.0 section 8.1.1.4)', schemas.SsfStreamUpdateRequest, { '200': stream }),
      delete: operation('Delete a stream (SSF 1.0 section 8.1.1.5)', undefined, { '204': { description: 'Deleted' } }, { parameters: [streamIdQuery(true)] }),
    },
    '/ssf/status': {
      get: operation("A stream's status (SSF 1.0 section 8.1.2.1)", undefined, { '200': json(schemas.SsfStreamStatus, 'The status') }, { parameters: [streamIdQuery(true)] }),
      post: operation(
        "Set a stream's status (SSF 1.0 section 8.1.2.2): paused holds events, disabled drops them until enabled again",
        schemas.SsfStreamStatusRequest,
        { '200': json(schemas.SsfStreamStatus, 'The status now') },
      ),
    },
    '/ssf/verify': {
      post: operation(
        'Ask for a verification event (SSF 1.0 section 8.1.4): a SET with the state, sent first on the next poll or push until acknowledged',
        schemas.SsfVerificationRequest,
        { '204': { description: 'Requested' } },
      ),
    },
    '/ssf/poll/{streamId}': {
      post: {
        ...operation(
          'Poll delivery (RFC 8936): acknowledge SETs received, get those not yet acknowledged; without returnImmediately, waits for one',
          undefined,
          { '200': json(schemas.SsfPollResponse, 'The SETs, by jti') },
          { parameters: [{ name: 'streamId', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } }] },
        ),
        requestBody: { required: false, content: { 'application/json': { schema: ref(schemas.SsfPollRequest) } } },
        description: 'No body is the same as an empty object: every member has its default.',
      },
    },
  }
}

type Paths = Record<string, Record<string, { responses: Record<string, unknown> }>>

/**
 * The answers the middleware gives on routes' behalf, added to every operation they apply to (an
 * operation's own wording of one wins): 400 and 413 from the body reader on every JSON POST, 429
 * from the per-IP budget on the routes the route table limits, 503 while starting or without a
 * database on the areas that wait for start-up. Read from the same route table the middleware reads.
 */
function withCommonAnswers<T extends Paths>(paths: T): T {
  for (const [path, methods] of Object.entries(paths)) {
    const rules = ROUTE_TABLE.get(path)
    for (const [method, operation] of Object.entries(methods)) {
      const common: Record<string, unknown> = {}
      if (method === 'post' && !rules?.oauthForm) Object.assign(common, { '400': errors['400'], '413': errors['413'] })
      if (method === 'post' && rules?.rateLimited) common['429'] = json(schemas.ErrorResponse, 'Too many requests from this IP (HEIMDALL_RATE_LIMIT_PER_MINUTE); Retry-After says when to try again')
      if (inArea(path, API_PREFIXES) || inArea(path, NEEDS_READY_PREFIXES)) common['503'] = errors['503']
      operation.responses = { ...common, ...operation.responses }
    }
  }
  return paths
}
