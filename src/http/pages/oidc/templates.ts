/** The interaction pages' templates (Eta, escaping by default; see pages/templates.ts). */
export const OIDC_TEMPLATES: Record<string, string> = {
  '@oidc-continue': `<% layout('@layout', it) %><meta http-equiv="refresh" content="0;url=<%= it.to %>">
<p><%~ it.th('oidc.continuing', { name: it.tag('strong', it.clientName) }) %> <a href="<%= it.to %>"><%= it.t('oidc.continue') %></a></p>
`,
  '@oidc-consent': `<% layout('@layout', it) %><p><%~ it.th('oidc.asks', { name: it.tag('strong', it.clientName) }) %></p>
<ul class="scopes"><% for (const scope of it.scopes) { %><li><%= scope %></li><% } %></ul>
<p><%~ it.th('oidc.signed_in_as', { email: it.tag('strong', it.email, 'address') }) %></p>
<div class="actions"><%~ include('@form', it.allow) %><%~ include('@form', it.deny) %></div>
`,
}

import type { Translator } from '../../../infra/i18n/catalogues.js'

/** The scopes the consent page describes in words (catalogue key `scope.<name>`). */
const DESCRIBED_SCOPES = new Set(['openid', 'email', 'profile', 'roles', 'offline_access'])

/** What a scope means, in the words the consent page uses; a scope without words is shown by its name. */
export function scopeInWords(t: Translator, scope: string): string {
  return DESCRIBED_SCOPES.has(scope) ? t(`scope.${scope}`) : scope
}
