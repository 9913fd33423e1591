/**
 * The account pages' templates (Eta, escaping by default; see ../templates.ts). `<%~ %>` only takes
 * HTML the engine rendered itself (an included @form) or the QR code's SVG, which Heimdall drew from
 * its own otpauth URI.
 */
const PASSKEY_BUTTON = `<form id="<%= it.id %>" method="post" action="<%= it.action %>">
<input type="hidden" name="csrf_token" value="<%= it.csrfToken %>">
<% for (const [name, value] of it.hidden ?? []) { %><input type="hidden" name="<%= name %>" value="<%= value %>">
<% } %><input type="hidden" name="<%= it.field %>" value="">
<% if (it.nameField) { %><div class="field"><label for="<%= it.id %>-name"><%= it.t('passkey.name_label') %></label>
<input id="<%= it.id %>-name" name="name" type="text" value="<%= it.t('passkey.default_name') %>" maxlength="100" required></div>
<% } %><% if (it.passwordField) { %><div class="field"><label for="<%= it.id %>-password"><%= it.t('field.your_password') %></label>
<input id="<%= it.id %>-password" name="password" type="password" autocomplete="current-password" required></div>
<% } %><button type="button"<% if (it.variant) { %> class="<%= it.variant %>"<% } %> data-passkey="<%= it.mode %>" data-options="<%= it.options %>" data-form="<%= it.id %>" data-field="<%= it.field %>" data-status="<%= it.id %>-status"<% if (it.mfaToken) { %> data-mfa-token="<%= it.mfaToken %>"<% } %>><%= it.label %></button>
<p class="hint" data-passkey-note><%= it.t('passkey.needs_javascript') %></p>
<p class="hint" id="<%= it.id %>-status" role="status"></p>
</form>
`

/** One session of the account page: the device, where from, since when, how; "this device" or its Sign out. */
const SESSION_ROW = `<li><span class="what"><strong><%= it.device %></strong>
<span class="detail"><% if (it.ip) { %><%= it.t('session.from', { ip: it.ip }) %><% } %><%= it.t('session.since', { created: it.created, methods: it.methods }) %><% if (it.current) { %><%= it.t('session.this_device') %><% } %></span></span>
<% if (!it.current) { %><%~ include('@form', it.revokeForm) %><% } %></li>
`

export const ACCOUNT_TEMPLATES: Record<string, string> = {
  '@passkey-button': PASSKEY_BUTTON,
  '@account-login': `<% layout('@layout', it) %><% if (it.notice) { %><p class="notice info" role="status"><%= it.notice %></p>
<% } %><% if (it.application) { %><p class="lead"><%~ it.th('login.continue_to', { application: it.tag('strong', it.application) }) %></p>
<% } %><%~ include('@form', it.form) %>
<p><a href="<%= it.forgotPassword %>"><%= it.t('login.forgot_password') %></a><% if (it.register) { %> &middot; <a href="<%= it.register %>"><%= it.t('login.create_account') %></a><% } %></p>
<% if (it.upstreams.length > 0) { %><section class="upstreams" aria-label="<%= it.t('login.other_ways') %>"><p class="hint"><%= it.t('login.continue_with') %></p>
<ul class="upstreams"><% for (const upstream of it.upstreams) { %><li><a class="button" href="<%= upstream.href %>"><%= upstream.label %></a></li>
<% } %></ul></section>
<% } %><% if (it.passkey) { %><p class="hint"><%= it.t('login.or_passkey') %></p>
<%~ include('@passkey-button', it.passkey) %><script src="<%= it.script %>" defer></script>
<% } %>`,
  '@account-register': `<% layout('@layout', it) %><% if (it.application) { %><p class="lead"><%~ it.th('register.continue_to', { application: it.tag('strong', it.application) }) %></p>
<% } %><p><%= it.t('register.lead') %></p>
<%~ include('@form', it.form) %>
<p><%= it.t('register.have_account') %> <a href="<%= it.signIn %>"><%= it.t('register.sign_in') %></a></p>
`,
  '@account-link': `<% layout('@layout', it) %><p><%~ it.th('link.signed_in_as', { provider: it.tag('strong', it.provider), email: it.tag('strong', it.email, 'address') }) %></p>
<p><%= it.t('link.prove', { provider: it.provider }) %></p>
<%~ include('@form', it.form) %>
<% if (it.passkey) { %><p class="hint"><%= it.t('link.or_passkey') %></p>
<%~ include('@passkey-button', it.passkey) %><script src="<%= it.script %>" defer></script>
<% } %><p><a href="<%= it.forgotPassword %>"><%= it.t('login.forgot_password') %></a></p>
<%~ include('@form', it.cancelForm) %>
`,
  '@account-mfa': `<% layout('@layout', it) %><p><%= it.t('mfa.lead') %></p>
<% if (it.error) { %><p class="form-error" role="alert"><%= it.error %></p>
<% } %><% if (it.passkey) { %><%~ include('@passkey-button', it.passkey) %><script src="<%= it.script %>" defer></script>
<% } %><% if (it.codeForm) { %><%~ include('@form', it.codeForm) %>
<% } %><% if (it.recoveryForm) { %><p class="hint"><%= it.t('mfa.lost_device') %></p>
<%~ include('@form', it.recoveryForm) %>
<% } %>`,
  '@session-row': SESSION_ROW,
  '@account': `<% layout('@layout', it) %><% if (it.notice) { %><p class="notice success" role="status"><%= it.notice %></p>
<% } %><section class="card" aria-labelledby="profile-title"><h2 id="profile-title"><%= it.t('account.profile') %></h2>
<p><%~ it.th('account.signed_in_as', { email: it.tag('strong', it.email, 'address') }) %> <% if (it.emailVerified) { %><span class="status ok"><%= it.t('account.verified') %></span><% } else { %><span class="status warn"><%= it.t('account.not_verified') %></span><% } %></p>
<% if (!it.emailVerified) { %><p class="hint" id="verify-hint"><%= it.t('account.verify_hint') %></p>
<%~ include('@form', it.resendForm) %><% } %>
<h3 id="email-title"><%= it.t('account.email_title') %></h3>
<p class="hint"><%= it.t('account.email_hint') %></p>
<%~ include('@form', it.emailForm) %>
<h3 id="language-title"><%= it.t('account.language_title') %></h3>
<form method="post" action="<%= it.languageForm.action %>" id="form-language">
<input type="hidden" name="<%= it.languageForm.csrfField %>" value="<%= it.languageForm.csrfToken %>">
<div class="field"><label for="field-language"><%= it.t('account.language_label') %></label>
<select id="field-language" name="language"><option value=""<% if (!it.languageForm.chosen) { %> selected<% } %>><%= it.t('account.language_browser') %></option>
<% for (const option of it.languageForm.options) { %><option value="<%= option.tag %>" lang="<%= option.tag %>"<% if (option.tag === it.languageForm.chosen) { %> selected<% } %>><%= option.name %></option>
<% } %></select></div>
<button type="submit" class="secondary"><%= it.t('account.language_submit') %></button>
</form>
</section>
<section class="card" aria-labelledby="security-title"><h2 id="security-title"><%= it.t('account.security') %></h2>
<div class="subsection"><h3 id="password-title"><%= it.t('account.password') %></h3>
<%~ include('@form', it.passwordForm) %></div>
<div class="subsection"><h3 id="totp-title"><%= it.t('account.totp') %></h3>
<% if (it.totpEnabledSince) { %><p><span class="status ok"><%= it.t('account.totp_on') %></span> <%= it.t('account.totp_since', { since: it.totpEnabledSince }) %></p>
<%~ include('@form', it.totpDisableForm) %><% } else { %><p><%= it.t('account.totp_off') %></p>
<% if (it.totpSetupForm) { %><%~ include('@form', it.totpSetupForm) %><% } else { %><% if (it.enrolmentError) { %><p class="form-error" role="alert"><%= it.enrolmentError %></p><% } %><p class="hint" id="enrolment-blocked"><%= it.t('account.enrolment_blocked') %></p><% } %><% } %></div>
<div class="subsection"><h3 id="passkeys-title"><%= it.t('account.passkeys') %></h3>
<% if (it.passkeys.length === 0) { %><p><%= it.t('account.passkeys_none') %></p>
<% } %><ul class="passkeys rows">
<% for (const passkey of it.passkeys) { %><li><span class="what"><%= it.t('account.passkey_row', { name: passkey.name, created: passkey.created, last_used: passkey.lastUsed }) %></span> <a href="<%= passkey.removeHref %>" aria-label="<%= it.t('account.passkey_remove_name', { name: passkey.name }) %>"><%= it.t('account.passkey_remove') %></a></li>
<% } %></ul>
<% if (it.enrolmentBlocked) { %><p class="hint"><%= it.t('account.passkey_blocked') %></p><% } else { %><%~ include('@passkey-button', it.passkeyRegister) %><% } %></div>
<div class="subsection"><h3 id="recovery-title"><%= it.t('account.recovery') %></h3>
<p><%= it.t('account.recovery_left', { count: it.recoveryLeft, total: it.recoveryTotal }) %></p>
<% if (it.recoveryForm) { %><%~ include('@form', it.recoveryForm) %><% } else { %><p class="hint"><%= it.t('account.recovery_blocked') %></p><% } %></div>
</section>
<section class="card" aria-labelledby="sessions-title"><h2 id="sessions-title"><%= it.t('account.sessions') %></h2>
<ul class="sessions rows">
<% for (const session of it.sessions) { %><%~ include('@session-row', session) %><% } %></ul>
<% if (it.revokeOthersForm) { %><%~ include('@form', it.revokeOthersForm) %><% } %>
</section>
<% if (it.applications) { %><section class="card" aria-labelledby="applications-title"><h2 id="applications-title"><%= it.t('account.applications') %></h2>
<% if (it.applications.length === 0) { %><p><%= it.t('account.applications_none') %></p>
<% } %><ul class="applications rows">
<% for (const app of it.applications) { %><li><span class="what"><strong><%= app.name %></strong><%= it.t('account.application_row', { granted: app.granted }) %>
<ul class="scopes"><% for (const scope of app.scopes) { %><li><%= scope %></li><% } %></ul></span>
<%~ include('@form', app.revokeForm) %></li>
<% } %></ul>
</section>
<% } %><% if (it.identities) { %><section class="card" aria-labelledby="identities-title"><h2 id="identities-title"><%= it.t('account.identities') %></h2>
<% if (it.identities.length === 0) { %><p><%= it.t('account.identities_none') %></p>
<% } %><ul class="identities rows">
<% for (const identity of it.identities) { %><li><span class="what"><strong><%= identity.provider %></strong><% if (identity.email) { %> (<%= identity.email %>)<% } %><%= it.t('account.identity_linked', { linked: identity.linked }) %></span><%~ include('@form', identity.unlinkForm) %></li>
<% } %></ul>
<% if (it.identityError) { %><p class="form-error" role="alert" tabindex="-1" autofocus><%= it.identityError %></p>
<% } %><% for (const link of it.linkable) { %><p><a class="button" href="<%= link.href %>"><%= it.t('account.identity_link', { provider: link.label }) %></a></p>
<% } %></section>
<% } %><div class="actions"><%~ include('@form', it.logoutForm) %></div>
<script src="<%= it.script %>" defer></script>
`,
  '@account-passkey-remove': `<% layout('@layout', it) %><p><%~ it.th('passkey.remove_lead', { name: it.tag('strong', it.name) }) %></p>
<%~ include('@form', it.form) %>
<p><a href="/account"><%= it.t('passkey.keep') %></a></p>
`,
  '@account-totp-setup': `<% layout('@layout', it) %><% if (it.qrSvg) { %><p><%= it.t('totp.scan') %></p>
<figure class="qr"><%~ it.qrSvg %></figure>
<p><%= it.t('totp.key') %> <code id="totp-secret" class="secret"><%= it.secret %></code></p>
<% if (it.otpauthUri) { %><p><a href="<%= it.otpauthUri %>"><%= it.t('totp.open_app') %></a></p>
<% } %><% } %><%~ include('@form', it.form) %>
<p><a href="<%= it.cancel ?? '/account' %>"><%= it.t('totp.cancel') %></a></p>
`,
  '@account-enrol': `<% layout('@layout', it) %><p><%~ it.th('enrol.lead', { email: it.tag('strong', it.email) }) %></p>
<% if (it.error) { %><p class="form-error" role="alert"><%= it.error %></p>
<% } %><section aria-labelledby="enrol-totp"><h2 id="enrol-totp"><%= it.t('account.totp') %></h2>
<%~ include('@form', it.totpForm) %></section>
<section aria-labelledby="enrol-passkey"><h2 id="enrol-passkey"><%= it.t('enrol.passkey') %></h2>
<%~ include('@passkey-button', it.passkeyRegister) %></section>
<script src="<%= it.script %>" defer></script>
`,
  '@account-recovery-codes': `<% layout('@layout', it) %><p><%= it.t('codes.lead') %></p>
<ul class="recovery-codes" id="recovery-codes">
<% for (const code of it.codes) { %><li><code><%= code %></code></li>
<% } %></ul>
<p><a class="button" href="<%= it.download %>" download="recovery-codes.txt"><%= it.t('codes.download') %></a></p>
<p><button type="button" class="secondary" data-copy="recovery-codes" data-status="copy-status" hidden><%= it.t('codes.copy') %></button></p>
<p class="hint" id="copy-status" role="status"></p>
<p><a href="<%= it.next ?? '/account' %>"><%= it.next ? it.t('codes.sign_in') : it.t('codes.back') %></a></p>
<script src="<%= it.script %>" defer></script>
`,
}
