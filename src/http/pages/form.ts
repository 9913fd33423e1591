import type { HeimdallError } from '../../errors.js'

/** One input of a page form, as a page declares it. */
export interface FormFieldSpec {
  /** The form field's name, as posted. */
  name: string
  /** The visible <label>. */
  label: string
  type: 'text' | 'email' | 'password'
  /** The HTML autocomplete token (e.g. new-password, email), so password managers do the right thing. */
  autocomplete?: string
  required?: boolean
  /** A line under the field, e.g. the password rules. */
  hint?: string
}

/** A field ready for the `@form` template. */
export interface FormFieldView extends FormFieldSpec {
  id: string
  value: string | undefined
  errors: string[]
  describedBy: string | undefined
}

/** What the `@form` template renders. */
export interface FormView {
  action: string
  submit: string
  fields: FormFieldView[]
  /** Hidden fields besides the CSRF one, e.g. the link's token: [name, value] pairs. */
  hidden: Array<[string, string]>
  /** A message about the whole form (shown above it), when no single field is at fault. */
  error: string | undefined
  csrfField: string
  csrfToken: string
}

export interface FormInput {
  action: string
  submit: string
  fields: FormFieldSpec[]
  csrfField: string
  csrfToken: string
  /** What the user typed, shown again after an error; password fields are never echoed. */
  values?: Record<string, string | undefined>
  /** Messages per field name (from fieldErrorsOf). */
  errors?: Record<string, string[]>
  error?: string
  hidden?: Record<string, string>
}

/** Builds the view of a form: labelled fields, each with its own errors linked by aria-describedby. */
export function formView(input: FormInput): FormView {
  const fields = input.fields.map((spec): FormFieldView => {
    const id = `field-${spec.name}`
    const errors = input.errors?.[spec.name] ?? []
    const describedBy = [spec.hint ? `${id}-hint` : undefined, errors.length > 0 ? `${id}-error` : undefined].filter(Boolean).join(' ')
    return { ...spec, id, value: spec.type === 'password' ? undefined : input.values?.[spec.name], errors, describedBy: describedBy || undefined }
  })
  return {
    action: input.action,
    submit: input.submit,
    fields,
    hidden: Object.entries(input.hidden ?? {}),
    error: input.error,
    csrfField: input.csrfField,
    csrfToken: input.csrfToken,
  }
}

/**
 * The messages of a 422 (validation.failed) per form field: a detail at ["body", "new_password"]
 * goes to the field `fieldNames.new_password` names (or to "new_password" itself when unmapped).
 * Details that match no field of the form are returned under "" for the form-level message.
 */
export function fieldErrorsOf(error: HeimdallError, fields: readonly string[], fieldNames: Record<string, string> = {}): Record<string, string[]> {
  const byField: Record<string, string[]> = {}
  for (const detail of error.details ?? []) {
    const source = detail.loc.at(-1) ?? ''
    const name = fieldNames[source] ?? source
    const key = fields.includes(name) ? name : ''
    ;(byField[key] ??= []).push(detail.msg)
  }
  return byField
}

/** A posted form field as one string: absent, repeated or non-string values read as "". */
export function formField(body: unknown, name: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}
