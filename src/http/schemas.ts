import { z } from 'zod'
import { emailProblem, normalizeEmail, MAX_EMAIL_LENGTH } from '../domain/email.js'
import { MIN_PASSWORD_LENGTH, MAX_PASSWORD_BYTES } from '../domain/password-policy.js'

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
  .meta({ format: 'email', maxLength: MAX_EMAIL_LENGTH, example: 'ada@example.com' })

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
  .object({ email, password: requiredString('The account password').meta({ example: 'Correct-Horse-42' }) })
  .meta({ id: 'LoginRequest' })

export const ValidateRequest = z
  .object({ token: requiredString('An access token (JWT) issued by /auth/login') })
  .meta({ id: 'ValidateRequest' })

export const RefreshRequest = z
  .object({ refresh_token: requiredString('The refresh token from /auth/login or the last /auth/refresh') })
  .meta({ id: 'RefreshRequest' })

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
    permissions: z.array(z.string()),
    error: z.string().nullable().meta({ description: 'Why the token is not valid; null when it is' }),
  })
  .meta({ id: 'TokenValidationResponse' })

export const ErrorResponse = z
  .object({ error: z.string(), status_code: z.int(), path: z.string() })
  .meta({ id: 'ErrorResponse' })

export const ValidationErrorResponse = z
  .object({
    error: z.literal('Validation error'),
    detail: z.array(z.object({ loc: z.array(z.string()), msg: z.string(), type: z.string() })),
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
      type: z.enum(['sqlite', 'mysql']),
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
    token_type: z.literal('access_token').optional(),
    sid: z.string().optional().meta({ description: 'The session the token is bound to' }),
  })
  .meta({ id: 'IntrospectionResponse', description: 'RFC 7662: only `active` when the token is not active' })

export const OAuthErrorResponse = z
  .object({ error: z.string().meta({ example: 'invalid_request' }), error_description: z.string().optional() })
  .meta({ id: 'OAuthErrorResponse', description: 'RFC 6749 section 5.2' })
