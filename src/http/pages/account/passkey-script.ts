/**
 * The only script of the hosted pages: the WebAuthn calls, which cannot be made without one, and the
 * recovery codes' Copy button (the Clipboard API has no form). Served by Heimdall (PASSKEY_SCRIPT_PATH)
 * so that the account pages' CSP allows `script-src 'self'` and nothing inline. Buttons with
 * data-passkey="login" | "register" drive it: it asks for options (JSON; a registration posts the
 * button's form, so its password goes along), lets the browser talk to the authenticator, puts the JSON
 * of the credential into the button's form (data-form, field data-field) and submits that form, which
 * carries the CSRF token like any other.
 *
 * What goes wrong is said in plain words (issue 27): a DOMException's name maps to a sentence, the
 * server's refusal to its JSON message; never the browser's raw text with its spec links. Its English
 * words are its own; a page in another language carries their `script.*` catalogue texts in a meta
 * element (SCRIPT_WORD_KEYS, templates.ts @layout).
 */

/** The catalogue keys of the script's words. */
export const SCRIPT_WORD_KEYS = ['script.not_allowed', 'script.aborted', 'script.invalid_state', 'script.security', 'script.not_supported', 'script.constraint', 'script.failed', 'script.no_options', 'script.unsupported_browser', 'script.waiting', 'script.copied', 'script.copy_failed'] as const
export const PASSKEY_SCRIPT_PATH = '/assets/account-passkeys.js'

export const PASSKEY_SCRIPT = `'use strict';
(function () {
  // A page in another language than English carries the script's words in its own (templates.ts @layout).
  var meta = document.querySelector('meta[name="heimdall-script-words"]');
  var SAID = {};
  try { if (meta) SAID = JSON.parse(meta.content); } catch (e) {}
  function say(key, english) { return typeof SAID[key] === 'string' ? SAID[key] : english; }
  var WORDS = {
    NotAllowedError: say('script.not_allowed', 'The passkey request was cancelled or timed out. Try again when you are ready.'),
    AbortError: say('script.aborted', 'The passkey request was cancelled. Try again when you are ready.'),
    InvalidStateError: say('script.invalid_state', 'This device already holds a passkey for this account.'),
    SecurityError: say('script.security', 'Passkeys do not work on this address. Open the page at its usual address and try again.'),
    NotSupportedError: say('script.not_supported', 'This browser or device cannot make this kind of passkey.'),
    ConstraintError: say('script.constraint', 'This device cannot verify you for a passkey (no screen lock, fingerprint or PIN).')
  };
  function status(button, message) {
    var line = document.getElementById(button.dataset.status);
    if (line) line.textContent = message;
  }
  function inWords(error) {
    if (error && WORDS[error.name]) return WORDS[error.name];
    if (error && error.refusal) return error.refusal;
    return say('script.failed', 'The passkey did not work. Try again, or use your password.');
  }
  async function refusalOf(answer) {
    var message = say('script.no_options', 'The server could not start the passkey request. Try again in a moment.');
    try { var body = await answer.json(); if (body && typeof body.message === 'string') message = body.message; } catch (e) {}
    var error = new Error(message);
    error.refusal = message;
    return error;
  }
  async function run(button) {
    var form = document.getElementById(button.dataset.form);
    var fields = new URLSearchParams();
    if (button.dataset.passkey === 'register') {
      new FormData(form).forEach(function (value, name) { if (name !== button.dataset.field && typeof value === 'string') fields.append(name, value); });
    }
    var init = button.dataset.passkey === 'register'
      ? { method: 'POST', body: fields }
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(button.dataset.mfaToken ? { mfa_token: button.dataset.mfaToken } : {}) };
    var answer = await fetch(button.dataset.options, init);
    if (!answer.ok) throw await refusalOf(answer);
    var options = await answer.json();
    var credential = button.dataset.passkey === 'register'
      ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
      : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    form.elements[button.dataset.field].value = JSON.stringify(credential.toJSON());
    form.submit();
  }
  // The note that passkeys need JavaScript is for browsers where this script does not run.
  document.querySelectorAll('[data-passkey-note]').forEach(function (note) { note.hidden = true; });
  document.querySelectorAll('button[data-passkey]').forEach(function (button) {
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseRequestOptionsFromJSON) {
      button.disabled = true;
      status(button, say('script.unsupported_browser', 'This browser cannot use passkeys. Use your password, or update the browser.'));
      return;
    }
    button.addEventListener('click', function () {
      var form = document.getElementById(button.dataset.form);
      if (form && !form.reportValidity()) return;
      button.disabled = true;
      status(button, say('script.waiting', 'Waiting for your passkey…'));
      run(button).catch(function (error) {
        button.disabled = false;
        status(button, inWords(error));
      });
    });
  });
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var list = document.getElementById(button.dataset.copy);
      navigator.clipboard.writeText(list.innerText.trim() + '\\n').then(
        function () { status(button, say('script.copied', 'Copied. Paste them into your password manager.')); },
        function () { status(button, say('script.copy_failed', 'Copying did not work here: download the codes instead.')); }
      );
    });
  });
})();
`
