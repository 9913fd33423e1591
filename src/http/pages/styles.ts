/**
 * The one stylesheet of the hosted pages, served by Heimdall itself (STYLESHEET_PATH): no CDN, no
 * font download, and no inline style, so the Content-Security-Policy can say `style-src 'self'`.
 *
 * Three kinds of action look different (issue 27): `button` (primary, filled), `button.secondary`
 * (outlined) and `button.danger` (outlined in the error colour: removes or ends something). The colours
 * come in a light and a dark set, each at least 4.5:1 against its background (WCAG AA), since the pages
 * declare `color-scheme: light dark`.
 */
export const STYLESHEET_PATH = '/assets/pages.css'

/** Heimdall's mark, a plain SVG served by Heimdall (FAVICON_PATH and /favicon.ico): no 404 in any browser's console. */
export const FAVICON_PATH = '/assets/favicon.svg'

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3157d5"/><path d="M9 8h4v6.5h6V8h4v16h-4v-6h-6v6H9z" fill="#fff"/></svg>
`

export const STYLESHEET = `:root { color-scheme: light dark; --accent: #3157d5; --on-accent: #fff; --error: #b3261e; --success: #1e7d32; --muted: #555a60; --line: color-mix(in srgb, CanvasText 15%, transparent); --panel: color-mix(in srgb, CanvasText 3%, Canvas); }
@media (prefers-color-scheme: dark) {
  :root { --accent: #9db4ff; --on-accent: #0b1230; --error: #ffb4ab; --success: #8fd694; --muted: #b4b9c0; --panel: color-mix(in srgb, CanvasText 6%, Canvas); }
}
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: Canvas; color: CanvasText; }
main { max-width: 28rem; margin: 3rem auto; padding: 2rem; border: 1px solid var(--line); border-radius: 0.75rem; }
main.wide { max-width: 44rem; }
@media (max-width: 30rem) { main, main.wide { margin: 0; padding: 1.25rem 1rem; border: 0; border-radius: 0; } }
a { color: var(--accent); }
.brand { display: flex; align-items: center; gap: 0.5rem; margin: 0 0 1.5rem; font-weight: 600; letter-spacing: 0.08em; text-transform: uppercase; font-size: 0.8rem; color: var(--muted); }
.brand img { height: 1.75rem; width: auto; }
h1 { margin: 0 0 1rem; font-size: 1.5rem; }
h2 { margin: 0 0 0.75rem; font-size: 1.15rem; }
h3 { margin: 1.25rem 0 0.5rem; font-size: 1rem; }
p { margin: 0 0 1rem; }
form { margin: 0 0 1rem; }
.card { margin: 0 0 1.25rem; padding: 1.25rem; border: 1px solid var(--line); border-radius: 0.6rem; background: var(--panel); }
.card > :last-child, .card form:last-child > :last-child { margin-bottom: 0; }
.subsection { padding-top: 1rem; margin-top: 1rem; border-top: 1px solid var(--line); }
.subsection:first-of-type { border-top: 0; padding-top: 0; margin-top: 0; }
.field { margin: 0 0 1rem; }
label { display: block; margin: 0 0 0.25rem; font-weight: 600; }
input[type="text"], input[type="email"], input[type="password"], select { width: 100%; padding: 0.6rem 0.7rem; font: inherit; border: 1px solid var(--muted); border-radius: 0.4rem; background: Field; color: FieldText; }
input:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible, .form-error:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.field.invalid input { border-color: var(--error); border-width: 2px; }
.hint { margin: 0.25rem 0 0.5rem; font-size: 0.875rem; color: var(--muted); }
.field .hint, .hint:empty { margin-bottom: 0; }
.field-errors, .form-error { margin: 0.25rem 0 0; padding: 0; list-style: none; color: var(--error); font-size: 0.9rem; }
.form-error { margin: 0 0 1rem; padding: 0.6rem 0.75rem; border: 1px solid var(--error); border-radius: 0.4rem; }
.notice { padding: 0.75rem; border-radius: 0.4rem; border: 1px solid var(--line); }
.notice.success { border-color: var(--success); }
.notice.failure { border-color: var(--error); }
.status { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 1rem; font-size: 0.85rem; font-weight: 600; border: 1px solid currentColor; }
.status.ok { color: var(--success); }
.status.warn { color: var(--error); }
button { width: 100%; padding: 0.7rem; font: inherit; font-weight: 600; color: var(--on-accent); background: var(--accent); border: 1px solid var(--accent); border-radius: 0.4rem; cursor: pointer; }
button + button { margin-top: 0.5rem; }
button.secondary { color: var(--accent); background: transparent; }
button.danger { color: var(--error); background: transparent; border-color: var(--error); }
button.inline, .inline-form button { width: auto; padding: 0.35rem 0.9rem; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin: 1.5rem 0 0; }
.actions form { flex: 1 1 10rem; margin: 0; }
a.button { display: block; box-sizing: border-box; width: 100%; padding: 0.7rem; text-align: center; font-weight: 600; text-decoration: none; color: var(--accent); border: 1px solid var(--accent); border-radius: 0.4rem; }
ul.upstreams { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: 0.5rem; }
ul.rows { list-style: none; padding: 0; margin: 0 0 1rem; }
ul.rows > li { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; padding: 0.6rem 0; border-bottom: 1px solid var(--line); }
ul.rows > li:last-child { border-bottom: 0; }
ul.rows .what { flex: 1 1 14rem; }
ul.rows .detail { display: block; font-size: 0.875rem; color: var(--muted); }
ul.rows form { margin: 0; }
.address { overflow-wrap: anywhere; }
.user-code { font-size: 1.75rem; letter-spacing: 0.15em; text-align: center; }
.secret { font-size: 1rem; letter-spacing: 0.05em; overflow-wrap: anywhere; }
ul.recovery-codes { columns: 12rem; column-gap: 2rem; font-size: 1.1rem; padding-left: 1.25rem; }
ul.recovery-codes li { white-space: nowrap; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
p.support { margin: 2rem 0 0; padding-top: 1rem; border-top: 1px solid var(--line); font-size: 0.875rem; }
`
