/**
 * The templates of the pages oidc-provider itself answers (device flow, RP-initiated logout, errors),
 * rendered through the shared `@layout` (Eta, escaping by default; see ../templates.ts).
 *
 * - `@oidc-buttons`: a form of hidden fields (the provider's own, its xsrf token among them) and one
 *   or more submit buttons, each with an optional name=value of its own.
 */
export const PROVIDER_TEMPLATES: Record<string, string> = {
  '@oidc-buttons': `<form method="post" action="<%= it.action %>">
<% for (const [name, value] of it.hidden) { %><input type="hidden" name="<%= name %>" value="<%= value %>">
<% } %><% for (const button of it.buttons) { %><button type="submit"<% if (button.name) { %> name="<%= button.name %>" value="<%= button.value %>"<% } %><% if (button.secondary) { %> class="secondary"<% } %>><%= button.label %></button>
<% } %></form>
`,
  '@oidc-device-code': `<% layout('@layout', it) %><% if (it.notice) { %><p class="notice info" role="status"><%= it.notice %></p>
<% } %><p><%= it.t('device.lead') %></p>
<%~ include('@form', it.form) %>`,
  '@oidc-device-confirm': `<% layout('@layout', it) %><p><%~ it.th('device.asks', { name: it.tag('strong', it.clientName) }) %></p>
<p class="user-code"><code><%= it.userCode %></code></p>
<p class="hint"><%= it.t('device.not_you') %></p>
<%~ include('@oidc-buttons', it.form) %>`,
  '@oidc-form-post': `<% layout('@layout', it) %><p><%= it.message %></p>
<%~ include('@oidc-buttons', it.form) %>`,
  '@oidc-logout': `<% layout('@layout', it) %><p><%= it.message %></p>
<%~ include('@oidc-buttons', it.form) %>`,
  '@oidc-error': `<% layout('@layout', it) %><p class="notice failure" role="alert"><%= it.message %></p>
<p class="hint"><%= it.t('oidc.error') %> <code class="oauth-error"><%= it.error %></code></p>
<% if (it.link) { %><p><a href="<%= it.link.href %>"><%= it.link.label %></a></p>
<% } else { %><p><%~ it.th('oidc.start_again', { link: '<a href="/account">' + it.th('oidc.go_to_account') + '</a>' }) %></p>
<% } %>`,
}
