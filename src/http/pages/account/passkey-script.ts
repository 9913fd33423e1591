/**
 * The only script of the hosted pages: the WebAuthn calls, which cannot be made without one. Served
 * by Heimdall (PASSKEY_SCRIPT_PATH) so that the account pages' CSP allows `script-src 'self'` and
 * nothing inline. Buttons with data-passkey="login" | "register" drive it: it asks for options (JSON),
 * lets the browser talk to the authenticator, puts the JSON of the credential into the button's form
 * (data-form, field data-field) and submits that form, which carries the CSRF token like any other.
 */
export const PASSKEY_SCRIPT_PATH = '/assets/account-passkeys.js'

export const PASSKEY_SCRIPT = `'use strict';
(function () {
  function status(button, message) {
    var line = document.getElementById(button.dataset.status);
    if (line) line.textContent = message;
  }
  async function run(button) {
    var form = document.getElementById(button.dataset.form);
    var init = button.dataset.passkey === 'register'
      ? { method: 'POST', body: new URLSearchParams({ csrf_token: form.elements.csrf_token.value }) }
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(button.dataset.mfaToken ? { mfa_token: button.dataset.mfaToken } : {}) };
    var answer = await fetch(button.dataset.options, init);
    if (!answer.ok) throw new Error('the server refused to start (' + answer.status + ')');
    var options = await answer.json();
    var credential = button.dataset.passkey === 'register'
      ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
      : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    form.elements[button.dataset.field].value = JSON.stringify(credential.toJSON());
    form.submit();
  }
  document.querySelectorAll('button[data-passkey]').forEach(function (button) {
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseRequestOptionsFromJSON) {
      button.disabled = true;
      status(button, 'This browser cannot use passkeys.');
      return;
    }
    button.addEventListener('click', function () {
      button.disabled = true;
      status(button, 'Waiting for your passkey…');
      run(button).catch(function (error) {
        button.disabled = false;
        status(button, 'The passkey did not work: ' + error.message);
      });
    });
  });
})();
`
