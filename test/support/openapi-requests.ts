import fc from 'fast-check'

/** A JSON Schema as the OpenAPI 3.1 document writes it (the members the generators read). */
export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  pattern?: string
  format?: string
}

export type Resolve = (schema: JsonSchema) => JsonSchema
/** Whether a value is valid against a schema, as the document's own validator (ajv) judges it. */
export type IsValid = (schema: JsonSchema, value: unknown) => boolean

/** Strings a generated value may hold beyond its schema's bounds, kept short so runs stay fast. */
const LONGEST_GENERATED = 40

/**
 * Addresses as RFC 5321 (JSON Schema's "email" format) writes them, including single-label domains
 * (user@localhost) and surrounding spaces or capitals: what a document that says only "email" allows.
 */
function emailCandidates(): fc.Arbitrary<string> {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/)
  return fc.oneof(
    fc.emailAddress(),
    fc.emailAddress().map((address) => ` ${address.toUpperCase()} `),
    fc.tuple(fc.stringMatching(/^[a-z0-9._%+-]{1,12}$/), label).map(([local, domain]) => `${local}@${domain}`),
  )
}

function stringCandidates(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'email') return emailCandidates()
  if (schema.format === 'uuid') return fc.uuid()
  if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern, 'u'))
  const minLength = schema.minLength ?? 0
  return fc.string({ minLength, maxLength: Math.min(schema.maxLength ?? LONGEST_GENERATED, minLength + LONGEST_GENERATED) })
}

/**
 * Values the document says are valid for `schema`: candidates from its types, formats and patterns,
 * kept only when the document's validator accepts them, so the generator cannot be more lenient than
 * the document (what the document allows, the server must take).
 */
export function validValue(schema: JsonSchema, resolve: Resolve, isValid: IsValid): fc.Arbitrary<unknown> {
  const resolved = resolve(schema)
  return candidates(resolved, resolve, isValid).filter((value) => isValid(resolved, value))
}

function candidates(schema: JsonSchema, resolve: Resolve, isValid: IsValid): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const options = schema.anyOf ?? schema.oneOf
  // With a type, the alternatives only narrow it (which members go together): the filter applies them.
  if (options && schema.type === undefined) return fc.oneof(...options.map((option) => validValue(option, resolve, isValid)))
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': {
      const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, validValue(property, resolve, isValid)]))
      return fc.record(properties, { requiredKeys: (schema.required ?? []).filter((name) => name in properties) })
    }
    case 'string':
      return stringCandidates(schema)
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(schema.items ? validValue(schema.items, resolve, isValid) : fc.anything(), { maxLength: 3 })
    default:
      return fc.jsonValue({ maxDepth: 1 })
  }
}

/** Values of the wrong JSON type for a property of `schema`'s type. */
const WRONG_TYPES: unknown[] = [null, 42, true, 'text', [], {}]

/**
 * Ways to break a valid body: not an object at all, a required member missing, a member of the wrong
 * type, a string outside its length bounds or pattern. Each is checked against the document's
 * validator by the caller: only a body the document refuses counts as invalid.
 */
export function invalidBodies(schema: JsonSchema, valid: Record<string, unknown>, resolve: Resolve, form = false): unknown[] {
  // A form body has no types: every value is a string, and a missing body is an empty form.
  const broken: unknown[] = form ? [] : [null, [], 'text', 42]
  for (const name of schema.required ?? []) {
    const { [name]: _, ...rest } = valid
    broken.push(rest)
  }
  for (const [name, propertySchema] of Object.entries(schema.properties ?? {})) {
    const property = resolve(propertySchema)
    if (!form) for (const wrong of WRONG_TYPES) broken.push({ ...valid, [name]: wrong })
    if (property.type === 'string') {
      if ((property.minLength ?? 0) > 0) broken.push({ ...valid, [name]: '' })
      if (property.maxLength !== undefined) broken.push({ ...valid, [name]: 'a'.repeat(property.maxLength + 1) })
      if (property.pattern !== undefined || property.format !== undefined) broken.push({ ...valid, [name]: '' }, { ...valid, [name]: 'no match' }, { ...valid, [name]: 'user@localhost' })
    }
  }
  return broken
}
