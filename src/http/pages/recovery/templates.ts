/** The recovery pages' own templates; each renders inside the shared `@layout`. */
export const RECOVERY_TEMPLATES: Record<string, string> = {
  '@reset-password': `<% layout('@layout') %><p><%~ it.th('reset.lead', { email: it.tag('strong', it.email) }) %></p>
<%~ include('@form', it.form) %>`,
  '@forgot-password': `<% layout('@layout') %><p><%= it.t('forgot.lead') %></p>
<%~ include('@form', it.form) %>
<p><a href="<%= it.signIn %>"><%= it.t('forgot.back') %></a></p>`,
  '@confirm-email': `<% layout('@layout') %><p><%= it.question %></p>
<%~ include('@form', it.form) %>`,
}
