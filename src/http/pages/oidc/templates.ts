/** The interaction pages' templates (Eta, escaping by default; see pages/templates.ts). */
export const OIDC_TEMPLATES: Record<string, string> = {
  '@oidc-continue': `<% layout('@layout', it) %><meta http-equiv="refresh" content="0;url=<%= it.to %>">
<p>Continuing to <strong><%= it.clientName %></strong>… <a href="<%= it.to %>">Continue</a></p>
`,
  '@oidc-consent': `<% layout('@layout', it) %><p><strong><%= it.clientName %></strong> asks to use your account to:</p>
<ul class="scopes"><% for (const scope of it.scopes) { %><li><%= scope %></li><% } %></ul>
<p>Signed in as <strong class="address"><%= it.email %></strong>. Allow only applications you trust; you can take access back on your account page.</p>
<div class="actions"><%~ include('@form', it.allow) %><%~ include('@form', it.deny) %></div>
`,
}

/**
 * What each scope means, in the words the consent page uses. Without a prototype, so that looking up
 * any scope name (`SCOPE_DESCRIPTIONS[scope] ?? scope`) finds only these, never `constructor` & co.
 */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    openid: 'Know who you are (your user id)',
    email: 'See your email address',
    profile: 'See your name and username (your email address)',
    roles: 'See your roles and permissions',
    offline_access: 'Stay signed in when you are away (a refresh token)',
  }),
)
