/** The recovery pages' own templates; each renders inside the shared `@layout`. */
export const RECOVERY_TEMPLATES: Record<string, string> = {
  '@reset-password': `<% layout('@layout') %><p>Choose a new password for <strong><%= it.email %></strong>. Every device signed in to this account will be signed out.</p>
<%~ include('@form', it.form) %>`,
  '@forgot-password': `<% layout('@layout') %><p>Type the address you sign in with. If it belongs to an account, a link to choose a new password is mailed to it.</p>
<%~ include('@form', it.form) %>
<p><a href="<%= it.signIn %>">Back to sign in</a></p>`,
  '@confirm-email': `<% layout('@layout') %><p><%= it.question %></p>
<%~ include('@form', it.form) %>`,
}
