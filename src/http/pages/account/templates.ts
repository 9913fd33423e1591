/**
 * The account pages' templates (Eta, escaping by default; see ../templates.ts). `<%~ %>` only takes
 * HTML the engine rendered itself (an included @form) or the QR code's SVG, which Heimdall drew from
 * its own otpauth URI.
 */
const PASSKEY_BUTTON = `<form id="<%= it.id %>" method="post" action="<%= it.action %>">
<input type="hidden" name="csrf_token" value="<%= it.csrfToken %>">
<% for (const [name, value] of it.hidden ?? []) { %><input type="hidden" name="<%= name %>" value="<%= value %>">
<% } %><input type="hidden" name="<%= it.field %>" value="">
<% if (it.nameField) { %><div class="field"><label for="<%= it.id %>-name">Name of the new passkey</label>
<input id="<%= it.id %>-name" name="name" type="text" value="Passkey" maxlength="100" required></div>
<% } %><button type="button" data-passkey="<%= it.mode %>" data-options="<%= it.options %>" data-form="<%= it.id %>" data-field="<%= it.field %>" data-status="<%= it.id %>-status"<% if (it.mfaToken) { %> data-mfa-token="<%= it.mfaToken %>"<% } %>><%= it.label %></button>
<p class="hint" id="<%= it.id %>-status" role="status"></p>
</form>
`

export const ACCOUNT_TEMPLATES: Record<string, string> = {
  '@passkey-button': PASSKEY_BUTTON,
  '@account-login': `<% layout('@layout', it) %><% if (it.notice) { %><p class="notice info" role="status"><%= it.notice %></p>
<% } %><%~ include('@form', it.form) %>
<p><a href="<%= it.forgotPassword %>">Forgot password?</a></p>
<% if (it.upstreams.length > 0) { %><section class="upstreams" aria-label="Other ways to sign in"><p class="hint">Or continue with an account you already have:</p>
<ul class="upstreams"><% for (const upstream of it.upstreams) { %><li><a class="button" href="<%= upstream.href %>"><%= upstream.label %></a></li>
<% } %></ul></section>
<% } %><% if (it.passkey) { %><p class="hint">Or, with a passkey on this device or your phone:</p>
<%~ include('@passkey-button', it.passkey) %><script src="<%= it.script %>" defer></script>
<% } %>`,
  '@account-link': `<% layout('@layout', it) %><p>You signed in with <strong><%= it.provider %></strong> as <strong class="address"><%= it.email %></strong>. An account here already has this address.</p>
<p>To use <%= it.provider %> for it from now on, prove the account is yours: enter its password (and then its second factor, if it has one), or use one of its passkeys.</p>
<%~ include('@form', it.form) %>
<% if (it.passkey) { %><p class="hint">Or, with a passkey of this account:</p>
<%~ include('@passkey-button', it.passkey) %><script src="<%= it.script %>" defer></script>
<% } %><p><a href="<%= it.forgotPassword %>">Forgot password?</a></p>
<%~ include('@form', it.cancelForm) %>
`,
  '@account-mfa': `<% layout('@layout', it) %><p>Your account is protected by a second factor. Prove it to finish signing in.</p>
<% if (it.error) { %><p class="form-error" role="alert"><%= it.error %></p>
<% } %><% if (it.passkey) { %><%~ include('@passkey-button', it.passkey) %><script src="<%= it.script %>" defer></script>
<% } %><% if (it.codeForm) { %><%~ include('@form', it.codeForm) %>
<% } %><% if (it.recoveryForm) { %><p class="hint">Lost your device? Use one of your recovery codes.</p>
<%~ include('@form', it.recoveryForm) %>
<% } %>`,
  '@account': `<% layout('@layout', it) %><% if (it.notice) { %><p class="notice success" role="status"><%= it.notice %></p>
<% } %><p>Signed in as <strong><%= it.email %></strong>.</p>
<section aria-labelledby="sessions-title"><h2 id="sessions-title">Sessions</h2>
<ul class="sessions">
<% for (const session of it.sessions) { %><li>Since <%= session.created %> (<%= session.methods %>)<% if (session.current) { %>: this browser<% } else { %><%~ include('@form', session.revokeForm) %><% } %></li>
<% } %></ul>
<% if (it.revokeOthersForm) { %><%~ include('@form', it.revokeOthersForm) %><% } %>
</section>
<% if (it.applications) { %><section aria-labelledby="applications-title"><h2 id="applications-title">Applications</h2>
<% if (it.applications.length === 0) { %><p>No application has access to your account.</p>
<% } %><ul class="applications">
<% for (const app of it.applications) { %><li><strong><%= app.name %></strong>, allowed <%= app.granted %>, may:
<ul class="scopes"><% for (const scope of app.scopes) { %><li><%= scope %></li><% } %></ul>
<%~ include('@form', app.revokeForm) %></li>
<% } %></ul>
</section>
<% } %><% if (it.identities) { %><section aria-labelledby="identities-title"><h2 id="identities-title">Other providers</h2>
<% if (it.identities.length === 0) { %><p>No identity of another provider is linked.</p>
<% } %><ul class="identities">
<% for (const identity of it.identities) { %><li><strong><%= identity.provider %></strong><% if (identity.email) { %> (<%= identity.email %>)<% } %>, linked <%= identity.linked %><%~ include('@form', identity.unlinkForm) %></li>
<% } %></ul>
<% if (it.identityError) { %><p class="form-error" role="alert"><%= it.identityError %></p>
<% } %><% for (const link of it.linkable) { %><p><a class="button" href="<%= link.href %>">Link <%= link.label %></a></p>
<% } %></section>
<% } %><section aria-labelledby="password-title"><h2 id="password-title">Password</h2>
<%~ include('@form', it.passwordForm) %></section>
<section aria-labelledby="totp-title"><h2 id="totp-title">Authenticator app</h2>
<% if (it.totpEnabledSince) { %><p>On since <%= it.totpEnabledSince %>.</p>
<%~ include('@form', it.totpDisableForm) %><% } else { %><p>Off. Codes from an app such as Aegis, Google Authenticator or 1Password protect your account if your password leaks.</p>
<% if (it.totpSetupForm) { %><%~ include('@form', it.totpSetupForm) %><% } else { %><% if (it.enrolmentError) { %><p class="form-error" role="alert"><%= it.enrolmentError %></p><% } %><p class="hint" id="enrolment-blocked">Verify your email address first: open the link in the verification mail. Until then no authenticator app or passkey can be added.</p><% } %><% } %></section>
<section aria-labelledby="passkeys-title"><h2 id="passkeys-title">Passkeys</h2>
<% if (it.passkeys.length === 0) { %><p>None yet.</p>
<% } %><ul class="passkeys">
<% for (const passkey of it.passkeys) { %><li><%= passkey.name %>: added <%= passkey.created %>, last used <%= passkey.lastUsed %><%~ include('@form', passkey.deleteForm) %></li>
<% } %></ul>
<% if (it.enrolmentBlocked) { %><p class="hint">Verify your email address first to add a passkey.</p><% } else { %><%~ include('@passkey-button', it.passkeyRegister) %><% } %></section>
<section aria-labelledby="recovery-title"><h2 id="recovery-title">Recovery codes</h2>
<p><%= it.recoveryLeft %> of <%= it.recoveryTotal %> left.</p>
<% if (it.recoveryForm) { %><%~ include('@form', it.recoveryForm) %><% } else { %><p class="hint">Set up an authenticator app or a passkey first.</p><% } %></section>
<%~ include('@form', it.logoutForm) %>
<script src="<%= it.script %>" defer></script>
`,
  '@account-totp-setup': `<% layout('@layout', it) %><% if (it.qrSvg) { %><p>Scan this code with your authenticator app, or type the key below into it.</p>
<figure class="qr"><%~ it.qrSvg %></figure>
<p>Key: <code id="totp-secret"><%= it.secret %></code></p>
<% } %><%~ include('@form', it.form) %>
<p><a href="<%= it.cancel ?? '/account' %>">Cancel</a></p>
`,
  '@account-enrol': `<% layout('@layout', it) %><p>Your role requires a second factor for <strong><%= it.email %></strong>. Add one now, then sign in with it.</p>
<% if (it.error) { %><p class="form-error" role="alert"><%= it.error %></p>
<% } %><section aria-labelledby="enrol-totp"><h2 id="enrol-totp">Authenticator app</h2>
<%~ include('@form', it.totpForm) %></section>
<section aria-labelledby="enrol-passkey"><h2 id="enrol-passkey">Passkey</h2>
<%~ include('@passkey-button', it.passkeyRegister) %></section>
<script src="<%= it.script %>" defer></script>
`,
  '@account-recovery-codes': `<% layout('@layout', it) %><p>Keep these codes somewhere safe, such as a password manager. Each works once, in place of a code from your app. They are shown only now.</p>
<ul class="recovery-codes">
<% for (const code of it.codes) { %><li><code><%= code %></code></li>
<% } %></ul>
<p><a href="<%= it.next ?? '/account' %>"><%= it.next ? 'Sign in' : 'Back to your account' %></a></p>
`,
}
