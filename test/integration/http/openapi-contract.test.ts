// The OpenAPI document is the contract clients are generated from: for every documented operation,
// requests generated from its schemas (fast-check, seeded) go to a real server, and every answer is
// checked against the document by a maintained validator (ajv): its status is listed, its body is
// the listed schema. A body the document allows is never refused as invalid (422); one it forbids
// always is (422, or 400 where the operation lists no 422: OAuth forms, Shared Signals). And every
// API route the app declares is in the document (the Shared Signals routes were left out once, with
// nothing to notice).
import test from 'ava'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import fc from 'fast-check'
import got from 'got'
import { describeRoutes } from '../../../src/http/app.js'
import { createOidcHost } from '../../../src/http/oidc/mount.js'
import { openApiDocument } from '../../../src/http/openapi.js'
import { inArea, NEEDS_READY_PREFIXES } from '../../../src/http/route-table.js'
import { backends, type Backend } from '../../support/db.js'
import { invalidBodies, validValue, type JsonSchema } from '../../support/openapi-requests.js'
import { registerVerifiedAndLogin } from '../../support/mfa.js'
import { uniqueEmail, type TestServer } from '../../support/server.js'
import { startOidcServer, type OidcServer } from '../../support/oidc.js'
import { ssfReceiver } from '../../support/ssf.js'

/** API-area routes that are not the API's, so not in its document; each with where it is described. */
const NOT_IN_THE_DOCUMENT = new Map<string, string>([
  // The OpenID provider's discovery metadata (OpenID Connect Discovery 1.0, RFC 8414), at the root
  // and at the suffixed spellings: the provider's own document describes it, docs/oidc.md where it is.
  ['/.well-known/openid-configuration', 'docs/oidc.md'],
  ['/.well-known/openid-configuration/oidc', 'docs/oidc.md'],
  ['/.well-known/oauth-authorization-server', 'docs/oidc.md'],
  ['/.well-known/oauth-authorization-server/oidc', 'docs/oidc.md'],
])

/** Generated requests per operation: enough to reach every member and bound, few enough to run in seconds. */
const RUNS = 20
/** The same requests on every run, so a failure reproduces (FC_SEED=... to try others). */
const SEED = Number(process.env.FC_SEED ?? 20_2026)

interface Operation {
  path: string
  method: string
  security?: unknown[]
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> }
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>
}

interface Answer {
  status: number
  contentType: string
  body: unknown
}

/**
 * The per-IP budgets and account lockout count every request from this one address: hundreds of
 * generated logins would trip them and answer 429 for reasons the test is not about. Settings, not
 * production defaults.
 */
const ENV = { HEIMDALL_RATE_LIMIT_PER_MINUTE: '0', HEIMDALL_LOCKOUT_MAX_FAILURES: '1000000' }
/**
 * The Shared Signals operations are on only with the OpenID provider (their tokens) and a published
 * signing key (their SETs): the server has both, so that those operations answer more than 404.
 */
const SSF_ENV = { HEIMDALL_JWT_ALG: 'RS256' }

const servers = new Map<Backend, OidcServer>()
test.before(async () => {
  await Promise.all(backends().map(async (backend) => servers.set(backend, await startOidcServer(backend, { ...ENV, ...SSF_ENV }))))
})
test.after.always(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()))
})

/** ajv over the document as the server serves it: its components are what every $ref points into. */
function validatorFor(document: { components: unknown }) {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/)
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i)
  ajv.addFormat('date-time', { validate: (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) && !Number.isNaN(Date.parse(value)) })
  ajv.addSchema({ $id: 'heimdall:openapi', components: document.components })
  const compiled = new Map<string, ValidateFunction>()
  const compile = (schema: JsonSchema): ValidateFunction => {
    const key = JSON.stringify(schema)
    let validate = compiled.get(key)
    if (!validate) {
      const rebased = schema.$ref?.startsWith('#/') ? { $ref: `heimdall:openapi${schema.$ref}` } : { $id: `heimdall:inline-${compiled.size}`, ...(rebaseRefs(schema) as object) }
      validate = ajv.compile(rebased)
      compiled.set(key, validate)
    }
    return validate
  }
  const components = (document.components as { schemas: Record<string, JsonSchema> }).schemas
  return {
    isValid: (schema: JsonSchema, value: unknown) => compile(schema)(value) as boolean,
    errors: (schema: JsonSchema, value: unknown) => {
      const validate = compile(schema)
      return validate(value) ? '' : ajv.errorsText(validate.errors)
    },
    resolve: (schema: JsonSchema): JsonSchema => (schema.$ref ? components[schema.$ref.split('/').pop()!]! : schema),
  }
}

/** An inline schema's references to components, pointed at the document ajv holds. */
function rebaseRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebaseRefs)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `heimdall:openapi${value}` : rebaseRefs(value)]),
  )
}

type Validator = ReturnType<typeof validatorFor>

/** The bearer tokens of the document's security schemes: a signed-in user's, a Shared Signals receiver's. */
interface Tokens {
  bearer: string
  ssf: string
}

async function send(server: TestServer, operation: Operation, tokens: Tokens, body: unknown, parameters: Record<string, string>): Promise<Answer> {
  const inPath = new Set((operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name))
  const query = new URLSearchParams(Object.entries(parameters).filter(([name, value]) => !inPath.has(name) && value !== undefined))
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? '')) + (query.size > 0 ? `?${query}` : '')
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement as object))
  const token = schemes.includes('ssf') ? tokens.ssf : tokens.bearer
  const headers: Record<string, string> = schemes.length > 0 ? { authorization: `Bearer ${token}` } : {}
  const form = operation.requestBody?.content['application/x-www-form-urlencoded'] !== undefined
  const response = await got(`${server.url}${path}`, {
    method: operation.method.toUpperCase() as 'GET',
    headers,
    ...(body === undefined
      ? {}
      : form
        ? { form: body as Record<string, string> }
        : { body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' } }),
    throwHttpErrors: false,
    retry: { limit: 0 },
    timeout: { request: 60_000 },
  })
  const contentType = String(response.headers['content-type'] ?? '')
  return { status: response.statusCode, contentType, body: contentType.includes('json') ? JSON.parse(response.body) : response.body }
}

/** What is wrong with an answer by the document: an unlisted status, or a body not of the listed schema. */
function contractProblem(validator: Validator, operation: Operation, answer: Answer): string | undefined {
  const listed = operation.responses[String(answer.status)]
  if (!listed) return `status ${answer.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')}); body ${JSON.stringify(answer.body).slice(0, 300)}`
  const json = listed.content?.['application/json']
  if (!json) return undefined
  if (!answer.contentType.startsWith('application/json')) return `status ${answer.status} documents JSON, the answer is ${answer.contentType}`
  const errors = validator.errors(json.schema, answer.body)
  return errors ? `status ${answer.status}: the body is not the documented schema: ${errors}; body ${JSON.stringify(answer.body).slice(0, 300)}` : undefined
}

/**
 * A 422 for a request the document allows is a disagreement, except for the password policy, which
 * the document states in words (upper and lower case, a digit, not a common password, at most 72
 * UTF-8 bytes) since no schema keyword can.
 */
function refusedAsInvalid(answer: Answer): boolean {
  if (answer.status !== 422) return false
  const details = (answer.body as { detail?: Array<{ type?: string }> }).detail ?? []
  return !details.every((detail) => detail.type === 'value_error.password')
}

function operationsOf(document: { paths: Record<string, Record<string, Omit<Operation, 'path' | 'method'>>> }): Operation[] {
  const all = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ ...operation, path, method })))
  // Signing out revokes the token the other operations are sent with: those go last.
  const signsOut = (operation: Operation) => operation.path.startsWith('/auth/logout')
  return [...all.filter((operation) => !signsOut(operation)), ...all.filter(signsOut)]
}

/** Where the operation and the document disagree (fast-check's report with the request), or undefined. */
async function disagreement(server: TestServer, validator: Validator, operation: Operation, tokens: Tokens): Promise<string | undefined> {
  const name = `${operation.method.toUpperCase()} ${operation.path}`
  const content = operation.requestBody?.content
  const bodySchema = content ? Object.values(content)[0]!.schema : undefined
  const parameters = operation.parameters ?? []
  const parameterValues = fc.record(Object.fromEntries(parameters.map((parameter) => [parameter.name, validValue(parameter.schema, validator.resolve, validator.isValid)])), {
    requiredKeys: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  }) as fc.Arbitrary<Record<string, string>>
  const bodies: fc.Arbitrary<unknown> = bodySchema
    ? operation.requestBody?.required
      ? validValue(bodySchema, validator.resolve, validator.isValid)
      : fc.option(validValue(bodySchema, validator.resolve, validator.isValid), { nil: undefined })
    : fc.constant(undefined)
  const runs = bodySchema || parameters.length > 0 ? RUNS : 1

  // Every way to break the first body, then one of the ways to break each later one: every mutation
  // is sent, and the requests stay a few hundred per operation.
  let firstRun = true
  const property = fc.asyncProperty(bodies, parameterValues, fc.nat(), async (body, values, pick) => {
    if (bodySchema && body !== undefined && !validator.isValid(bodySchema, body)) throw new Error(`generated an invalid body ${JSON.stringify(body)}`)
    const answer = await send(server, operation, tokens, body, values)
    const problem = contractProblem(validator, operation, answer)
    if (problem) throw new Error(`${name} with ${JSON.stringify(body)}: ${problem}`)
    if (refusedAsInvalid(answer)) throw new Error(`${name}: the document allows ${JSON.stringify(body)}, the server refused it: ${JSON.stringify(answer.body)}`)

    if (!bodySchema || body === undefined) return
    const objectSchema = validator.resolve(bodySchema)
    const form = content?.['application/x-www-form-urlencoded'] !== undefined
    const invalid = invalidBodies(objectSchema, body as Record<string, unknown>, validator.resolve, form).filter((broken) => !validator.isValid(bodySchema, broken))
    const chosen = firstRun ? invalid : invalid.slice(pick % invalid.length, (pick % invalid.length) + 1)
    firstRun = false
    for (const broken of chosen) {
      const refused = await send(server, operation, tokens, broken, values)
      const refusedProblem = contractProblem(validator, operation, refused)
      if (refusedProblem) throw new Error(`${name} with the invalid ${JSON.stringify(broken)}: ${refusedProblem}`)
      // JSON bodies are refused as the contract's validation error (422, where the operation lists it);
      // an OAuth form as invalid_request (RFC 6749 section 5.2), a Shared Signals body as
      // ssf.invalid_request (SSF 1.0, RFC 8936): 400.
      if (refused.status !== (form || !operation.responses['422'] ? 400 : 422)) {
        throw new Error(`${name}: the document forbids ${JSON.stringify(broken)}, the server answered ${refused.status} ${JSON.stringify(refused.body).slice(0, 200)}`)
      }
    }
  })
  try {
    await fc.assert(property, { numRuns: runs, seed: SEED, endOnFailure: true, includeErrorInReport: true })
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

interface Prepared {
  validator: Validator
  operations: Map<string, Operation>
  tokens: Tokens
}

/** Per backend: the document as its server serves it, and a signed-in user for the Bearer operations. */
const prepared = new Map<Backend, Promise<Prepared>>()
function preparedFor(backend: Backend): Promise<Prepared> {
  let ready = prepared.get(backend)
  if (!ready) {
    ready = (async () => {
      const server = servers.get(backend)!
      const document = (await got(`${server.url}/openapi.json`).json()) as Parameters<typeof operationsOf>[0] & { components: unknown }
      // Verified, so that the enrolment operations answer more than the pre-account-takeover 403.
      const { accessToken } = await registerVerifiedAndLogin(server, uniqueEmail())
      const { token: ssf } = await ssfReceiver(server)
      const operations = new Map(operationsOf(document).map((operation) => [`${operation.method} ${operation.path}`, operation]))
      return { validator: validatorFor(document), operations, tokens: { bearer: accessToken, ssf } }
    })()
    prepared.set(backend, ready)
  }
  return ready
}

test('every route of the API areas (/auth/, /oauth/, /ssf/, /.well-known/) that the app declares is in the document, by method and path', (t) => {
  const server = servers.values().next().value!
  const documented = new Set(
    operationsOf(openApiDocument as unknown as Parameters<typeof operationsOf>[0]).map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  )
  const routes = describeRoutes(server.context, createOidcHost(server.context))
  const inApi = routes.filter((route) => inArea(route.path, NEEDS_READY_PREFIXES)).map((route) => `${route.method} ${route.path}`)
  t.true(inApi.includes('POST /ssf/poll/:streamId'), 'the walk sees the routes with parameters')
  const missing = inApi.filter((route) => !documented.has(route) && !NOT_IN_THE_DOCUMENT.has(route.split(' ')[1]!))
  t.deepEqual(missing, [], 'API routes missing from /openapi.json')
})

// The test titles come from the document in this build; each test checks the one its server serves.
// Serial: signing out (last) must not revoke the token of an operation still running.
for (const { method, path } of operationsOf(openApiDocument as unknown as Parameters<typeof operationsOf>[0])) {
  for (const backend of backends()) {
    test.serial(`${method.toUpperCase()} ${path} answers as the document says, to requests valid and invalid by it [${backend}]`, async (t) => {
      const { validator, operations, tokens } = await preparedFor(backend)
      const operation = operations.get(`${method} ${path}`)
      t.truthy(operation, 'the server serves the document this build has')
      t.is(await disagreement(servers.get(backend)!, validator, operation!, tokens), undefined)
    })
  }
}
