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
<% } %><% if (it.passwordField) { %><div class="field"><label for="<%= it.id %>-password">Your password</label>
<input id="<%= it.id %>-password" name="password" type="password" autocomplete="current-password" required></div>
<% } %><button type="button"<% if (it.variant) { %> class="<%= it.variant %>"<% } %> data-passkey="<%= it.mode %>" data-options="<%= it.options %>" data-form="<%= it.id %>" data-field="<%= it.field %>" data-status="<%= it.id %>-status"<% if (it.mfaToken) { %> data-mfa-token="<%= it.mfaToken %>"<% } %>><%= it.label %></button>
<p class="hint" data-passkey-note>Passkeys need JavaScript, which is off in this browser. Turn it on for this site, or use your password.</p>
<p class="hint" id="<%= it.id %>-status" role="status"></p>
</form>
`

/** One session of the account page: the device, where from, since when, how; "this device" or its Sign out. */
const SESSION_ROW = `<li><span class="what"><strong><%= it.device %></strong>
<span class="detail"><% if (it.ip) { %>From <%= it.ip %>, <% } %>since <%= it.created %> (<%= it.methods %>)<% if (it.current) { %>: this device<% } %></span></span>
<% if (!it.current) { %><%~ include('@form', it.revokeForm) %><% } %></li>
`

export const ACCOUNT_TEMPLATES: Record<string, string> = {
  '@passkey-button': PASSKEY_BUTTON,
  '@account-login': `<% layout('@layout', it) %><% if (it.notice) { %><p class="notice info" role="status"><%= it.notice %></p>
<% } %><% if (it.application) { %><p class="lead">Sign in to continue to <strong><%= it.application %></strong>.</p>
<% } %><%~ include('@form', it.form) %>
<p><a href="<%= it.forgotPassword %>">Forgot password?</a><% if (it.register) { %> &middot; <a href="<%= it.register %>">Create an account</a><% } %></p>
<% if (it.upstreams.length > 0) { %><section class="upstreams" aria-label="Other ways to sign in"><p class="hint">Or continue with an account you already have:</p>
<ul class="upstreams"><% for (const upstream of it.upstreams) { %><li><a class="button" href="<%= upstream.href %>"><%= upstream.label %></a></li>
<% } %></ul></section>
<% } %><% if (it.passkey) { %><p class="hint">Or, with a passkey on this device or your phone:</p>
<%~ include('@passkey-button', it.passkey) %><script src="<%= it.script %>" defer></script>
<% } %>`,
  '@account-register': `<% layout('@layout', it) %><p>One account for every application that signs you in here.</p>
<%~ include('@form', it.form) %>
<p>Already have an account? <a href="<%= it.signIn %>">Sign in</a></p>
`,
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
  '@session-row': SESSION_ROW,
  '@account': `<% layout('@layout', it) %><% if (it.notice) { %><p class="notice success" role="status"><%= it.notice %></p>
<% } %><section class="card" aria-labelledby="profile-title"><h2 id="profile-title">Profile</h2>
<p>Signed in as <strong class="address"><%= it.email %></strong> <% if (it.emailVerified) { %><span class="status ok">Verified</span><% } else { %><span class="status warn">Not verified</span><% } %></p>
<% if (!it.emailVerified) { %><p class="hint" id="verify-hint">Open the link in the verification mail to confirm this address. No mail? Send it again.</p>
<%~ include('@form', it.resendForm) %><% } %>
<h3 id="email-title">Change your email address</h3>
<p class="hint">A link goes to the new address; nothing changes until it is opened. The old address is told.</p>
<%~ include('@form', it.emailForm) %>
</section>
<section class="card" aria-labelledby="security-title"><h2 id="security-title">Security</h2>
<div class="subsection"><h3 id="password-title">Password</h3>
<%~ include('@form', it.passwordForm) %></div>
<div class="subsection"><h3 id="totp-title">Authenticator app</h3>
<% if (it.totpEnabledSince) { %><p><span class="status ok">On</span> since <%= it.totpEnabledSince %>.</p>
<%~ include('@form', it.totpDisableForm) %><% } else { %><p>Off. Codes from an app such as Aegis, Google Authenticator or 1Password protect your account if your password leaks.</p>
<% if (it.totpSetupForm) { %><%~ include('@form', it.totpSetupForm) %><% } else { %><% if (it.enrolmentError) { %><p class="form-error" role="alert"><%= it.enrolmentError %></p><% } %><p class="hint" id="enrolment-blocked">Verify your email address first: open the link in the verification mail. Until then no authenticator app or passkey can be added.</p><% } %><% } %></div>
<div class="subsection"><h3 id="passkeys-title">Passkeys</h3>
<% if (it.passkeys.length === 0) { %><p>None yet.</p>
<% } %><ul class="passkeys rows">
<% for (const passkey of it.passkeys) { %><li><span class="what"><%= passkey.name %>: added <%= passkey.created %>, last used <%= passkey.lastUsed %></span> <a href="<%= passkey.removeHref %>" aria-label="Remove <%= passkey.name %>">Remove</a></li>
<% } %></ul>
<% if (it.enrolmentBlocked) { %><p class="hint">Verify your email address first to add a passkey.</p><% } else { %><%~ include('@passkey-button', it.passkeyRegister) %><% } %></div>
<div class="subsection"><h3 id="recovery-title">Recovery codes</h3>
<p><%= it.recoveryLeft %> of <%= it.recoveryTotal %> left.</p>
<% if (it.recoveryForm) { %><%~ include('@form', it.recoveryForm) %><% } else { %><p class="hint">Set up an authenticator app or a passkey first.</p><% } %></div>
</section>
<section class="card" aria-labelledby="sessions-title"><h2 id="sessions-title">Sessions</h2>
<ul class="sessions rows">
<% for (const session of it.sessions) { %><%~ include('@session-row', session) %><% } %></ul>
<% if (it.revokeOthersForm) { %><%~ include('@form', it.revokeOthersForm) %><% } %>
</section>
<% if (it.applications) { %><section class="card" aria-labelledby="applications-title"><h2 id="applications-title">Connected applications</h2>
<% if (it.applications.length === 0) { %><p>No application has access to your account.</p>
<% } %><ul class="applications rows">
<% for (const app of it.applications) { %><li><span class="what"><strong><%= app.name %></strong>, allowed <%= app.granted %>, may:
<ul class="scopes"><% for (const scope of app.scopes) { %><li><%= scope %></li><% } %></ul></span>
<%~ include('@form', app.revokeForm) %></li>
<% } %></ul>
</section>
<% } %><% if (it.identities) { %><section class="card" aria-labelledby="identities-title"><h2 id="identities-title">Other providers</h2>
<% if (it.identities.length === 0) { %><p>No identity of another provider is linked.</p>
<% } %><ul class="identities rows">
<% for (const identity of it.identities) { %><li><span class="what"><strong><%= identity.provider %></strong><% if (identity.email) { %> (<%= identity.email %>)<% } %>, linked <%= identity.linked %></span><%~ include('@form', identity.unlinkForm) %></li>
<% } %></ul>
<% if (it.identityError) { %><p class="form-error" role="alert" tabindex="-1" autofocus><%= it.identityError %></p>
<% } %><% for (const link of it.linkable) { %><p><a class="button" href="<%= link.href %>">Link <%= link.label %></a></p>
<% } %></section>
<% } %><div class="actions"><%~ include('@form', it.logoutForm) %></div>
<script src="<%= it.script %>" defer></script>
`,
  '@account-passkey-remove': `<% layout('@layout', it) %><p>Remove the passkey <strong><%= it.name %></strong>? It will no longer sign you in. Type your password to confirm.</p>
<%~ include('@form', it.form) %>
<p><a href="/account">Keep it and go back to your account</a></p>
`,
  '@account-totp-setup': `<% layout('@layout', it) %><% if (it.qrSvg) { %><p>Scan this code with your authenticator app, or type the key below into it.</p>
<figure class="qr"><%~ it.qrSvg %></figure>
<p>Key: <code id="totp-secret" class="secret"><%= it.secret %></code></p>
<% if (it.otpauthUri) { %><p><a href="<%= it.otpauthUri %>">Open in an authenticator app on this device</a></p>
<% } %><% } %><%~ include('@form', it.form) %>
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
<ul class="recovery-codes" id="recovery-codes">
<% for (const code of it.codes) { %><li><code><%= code %></code></li>
<% } %></ul>
<p><a class="button" href="<%= it.download %>" download="recovery-codes.txt">Download the codes (recovery-codes.txt)</a></p>
<p><button type="button" class="secondary" data-copy="recovery-codes" data-status="copy-status" hidden>Copy the codes</button></p>
<p class="hint" id="copy-status" role="status"></p>
<p><a href="<%= it.next ?? '/account' %>"><%= it.next ? 'Sign in' : 'Back to your account' %></a></p>
<script src="<%= it.script %>" defer></script>
`,
}
