import type { HeimdallError } from '../../errors.js'
import { fieldMessageOf } from './plain-words.js'
import type { Translator } from '../../infra/i18n/catalogues.js'

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
  /** The keyboard phones show: 'numeric' for one-time codes. */
  inputmode?: 'numeric' | 'email' | 'text'
  pattern?: string
  maxlength?: number
}

/** How a form's button looks: the page's main action, a lesser one, or one that removes or ends something. */
export type ButtonVariant = 'primary' | 'secondary' | 'danger'


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
  id: string | undefined
  className: string | undefined
  variant: ButtonVariant
  /** The button's accessible name where its text alone would repeat on the page (five "Sign out" buttons). */
  submitName: string | undefined
  /** What gets `autofocus` after a refusal: the first field at fault, 'error' for the form's message, or nothing. */
  focus: string | undefined
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
  /** The form element's id (unique on its page). */
  id?: string
  /** A class for the form element, e.g. 'inline-form' for a small button in a row. */
  className?: string
  /** Default 'primary'. */
  variant?: ButtonVariant
  /** An accessible name for the button that starts with its visible text (WCAG 2.5.3), e.g. "Sign out Firefox on Linux". */
  submitName?: string
}

/** Builds the view of a form: labelled fields, each with its own errors linked by aria-describedby. */
export function formView(input: FormInput): FormView {
  const fields = input.fields.map((spec): FormFieldView => {
    const id = `field-${spec.name}`
    const errors = input.errors?.[spec.name] ?? []
    const describedBy = [spec.hint ? `${id}-hint` : undefined, errors.length > 0 ? `${id}-error` : undefined].filter(Boolean).join(' ')
    return { ...spec, id, value: spec.type === 'password' ? undefined : input.values?.[spec.name], errors, describedBy: describedBy || undefined }
  })
  const firstInvalid = fields.find((field) => field.errors.length > 0)
  return {
    action: input.action,
    submit: input.submit,
    fields,
    hidden: Object.entries(input.hidden ?? {}),
    error: input.error,
    csrfField: input.csrfField,
    csrfToken: input.csrfToken,
    id: input.id,
    className: input.className,
    variant: input.variant ?? 'primary',
    submitName: input.submitName,
    // A form-level message first: it says what went wrong with the whole form, above its fields.
    focus: input.error ? 'error' : firstInvalid ? firstInvalid.name : undefined,
  }
}

/**
 * The messages of a 422 (validation.failed) per form field: a detail at ["body", "new_password"]
 * goes to the field `fieldNames.new_password` names (or to "new_password" itself when unmapped).
 * Details that match no field of the form are returned under "" for the form-level message.
 */
export function fieldErrorsOf(t: Translator, error: HeimdallError, fields: readonly string[], fieldNames: Record<string, string> = {}): Record<string, string[]> {
  const byField: Record<string, string[]> = {}
  for (const detail of error.details ?? []) {
    const source = detail.loc.at(-1) ?? ''
    const name = fieldNames[source] ?? source
    const key = fields.includes(name) ? name : ''
    ;(byField[key] ??= []).push(fieldMessageOf(t, detail))
  }
  return byField
}

/** A posted form field as one string: absent, repeated or non-string values read as "". */
export function formField(body: unknown, name: string): string {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : ''
}
