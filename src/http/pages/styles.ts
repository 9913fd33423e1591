/**
 * The one stylesheet of the hosted pages, served by Heimdall itself (STYLESHEET_PATH): no CDN, no
 * font download, and no inline style, so the Content-Security-Policy can say `style-src 'self'`.
 */
export const STYLESHEET_PATH = '/assets/pages.css'

export const STYLESHEET = `:root { color-scheme: light dark; --accent: #3157d5; --error: #b3261e; --muted: #5f6368; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: Canvas; color: CanvasText; }
main { max-width: 26rem; margin: 4rem auto; padding: 2rem; border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: 0.75rem; }
.brand { margin: 0 0 1.5rem; font-weight: 600; letter-spacing: 0.08em; text-transform: uppercase; font-size: 0.8rem; color: var(--muted); }
h1 { margin: 0 0 1rem; font-size: 1.5rem; }
p { margin: 0 0 1rem; }
.field { margin: 0 0 1rem; }
label { display: block; margin: 0 0 0.25rem; font-weight: 600; }
input[type="text"], input[type="email"], input[type="password"] { width: 100%; padding: 0.6rem 0.7rem; font: inherit; border: 1px solid var(--muted); border-radius: 0.4rem; background: Field; color: FieldText; }
input:focus-visible, button:focus-visible { outline: 3px solid color-mix(in srgb, var(--accent) 60%, transparent); outline-offset: 1px; }
.field.invalid input { border-color: var(--error); }
.hint { margin: 0.25rem 0 0; font-size: 0.875rem; color: var(--muted); }
.field-errors, .form-error { margin: 0.25rem 0 0; padding: 0; list-style: none; color: var(--error); font-size: 0.9rem; }
.form-error { margin: 0 0 1rem; padding: 0.6rem 0.75rem; border: 1px solid var(--error); border-radius: 0.4rem; }
.notice { padding: 0.75rem; border-radius: 0.4rem; border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); }
.notice.success { border-color: #1e7d32; }
.notice.failure { border-color: var(--error); }
button { width: 100%; padding: 0.7rem; font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 0.4rem; cursor: pointer; }
button + button { margin-top: 0.5rem; }
a.button { display: block; box-sizing: border-box; width: 100%; padding: 0.7rem; text-align: center; font-weight: 600; text-decoration: none; color: var(--accent); border: 1px solid var(--accent); border-radius: 0.4rem; }
ul.upstreams { list-style: none; padding: 0; margin: 0 0 1rem; display: grid; gap: 0.5rem; }
.address { overflow-wrap: anywhere; }
button.secondary { color: var(--accent); background: transparent; border: 1px solid var(--accent); }
.user-code { font-size: 1.75rem; letter-spacing: 0.15em; text-align: center; }
`
