/** The recovery pages' own templates; each renders inside the shared `@layout`. */
export const RECOVERY_TEMPLATES: Record<string, string> = {
  '@reset-password': `<% layout('@layout') %><p>Choose a new password for <strong><%= it.email %></strong>. Every device signed in to this account will be signed out.</p>
<%~ include('@form', it.form) %>`,
}
