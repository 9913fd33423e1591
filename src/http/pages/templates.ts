/**
 * The shared templates of every hosted page, in Eta's syntax: `<%= %>` escapes (the engine's
 * autoEscape), `<%~ %>` is raw and used only for HTML the engine itself rendered (a layout's body,
 * an included partial). Kept as strings in code so that the compiled package carries them.
 *
 * - `@layout`: the one page frame; data `{ title, wide? }` plus the child page's body, branded by
 *   `it.brand` (branding.ts: name, logo, favicon, extra stylesheet, support link), in the language of
 *   `it.t` (the request's Translator, which every render adds and every include inherits: `<html lang>`).
 * - `@form`: a form from a FormView (form.ts): labelled fields, each with its own errors, the CSRF field.
 *   After a refusal the first field at fault (or the form's error) carries `autofocus`: the browser
 *   moves focus there and scrolls it into view, without any script (issue 27, a phone-width page whose
 *   error was 1,333 px below the top).
 * - `@message`: a title and a paragraph, with `tone` success | failure | info, and an optional
 *   `link` ({ href, label }) to go on from there.
 * - `@error`: an error page (status pages for requests that a page path could not answer).
 */
export const SHARED_TEMPLATES: Record<string, string> = {
  '@layout': `<!doctype html>
<html lang="<%= it.t.lang %>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title><%= it.title %> · <%= it.brand.name %></title>
<link rel="stylesheet" href="<%= it.stylesheet %>">
<% if (it.t.lang !== 'en') { %><meta name="heimdall-script-words" content="<%= JSON.stringify(it.scriptWords) %>">
<% } %>
<% if (it.brand.css) { %><link rel="stylesheet" href="<%= it.brand.css %>">
<% } %><link rel="icon" href="<%= it.brand.favicon %>">
</head>
<body>
<main<% if (it.wide) { %> class="wide"<% } %>>
<p class="brand"><% if (it.brand.logo) { %><img src="<%= it.brand.logo %>" alt=""><% } %><%= it.brand.name %></p>
<h1><%= it.title %></h1>
<%~ it.body %>
<% if (it.brand.supportUrl) { %><p class="support"><a href="<%= it.brand.supportUrl %>"><%= it.t('layout.support') %></a></p>
<% } %></main>
</body>
</html>
`,
  '@form': `<form method="post" action="<%= it.action %>"<% if (it.id) { %> id="<%= it.id %>"<% } %><% if (it.className) { %> class="<%= it.className %>"<% } %>>
<% if (it.error) { %><p class="form-error" role="alert"<% if (it.id) { %> id="<%= it.id %>-error"<% } %> tabindex="-1"<% if (it.focus === 'error') { %> autofocus<% } %>><%= it.error %></p>
<% } %><input type="hidden" name="<%= it.csrfField %>" value="<%= it.csrfToken %>">
<% for (const [name, value] of it.hidden) { %><input type="hidden" name="<%= name %>" value="<%= value %>">
<% } %><% for (const field of it.fields) { %><div class="field<%= field.errors.length > 0 ? ' invalid' : '' %>">
<label for="<%= field.id %>"><%= field.label %></label>
<input id="<%= field.id %>" name="<%= field.name %>" type="<%= field.type %>"<% if (field.value !== undefined) { %> value="<%= field.value %>"<% } %><% if (field.autocomplete) { %> autocomplete="<%= field.autocomplete %>"<% } %><% if (field.required) { %> required<% } %><% if (field.describedBy) { %> aria-describedby="<%= field.describedBy %>"<% } %><% if (field.inputmode) { %> inputmode="<%= field.inputmode %>"<% } %><% if (field.pattern) { %> pattern="<%= field.pattern %>"<% } %><% if (field.maxlength) { %> maxlength="<%= field.maxlength %>"<% } %><% if (field.errors.length > 0) { %> aria-invalid="true"<% } %><% if (it.focus === field.name) { %> autofocus<% } %>>
<% if (field.hint) { %><p class="hint" id="<%= field.id %>-hint"><%= field.hint %></p>
<% } %><% if (field.errors.length > 0) { %><ul class="field-errors" id="<%= field.id %>-error"><% for (const message of field.errors) { %><li><%= message %></li><% } %></ul>
<% } %></div>
<% } %><button type="submit"<% if (it.variant !== 'primary') { %> class="<%= it.variant %>"<% } %><% if (it.submitName) { %> aria-label="<%= it.submitName %>"<% } %>><%= it.submit %></button>
</form>
`,
  '@message': `<% layout('@layout', it) %><p class="notice <%= it.tone %>" role="status"><%= it.message %></p>
<% if (it.link) { %><p><a href="<%= it.link.href %>"><%= it.link.label %></a></p>
<% } %>`,
  '@error': `<% layout('@layout', it) %><p class="notice failure" role="alert"><%= it.message %></p>
<p><a href="/account"><%= it.t('error.go_to_account') %></a></p>
`,
}
