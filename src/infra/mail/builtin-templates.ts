/**
 * The mails Heimdall sends, as Eta templates: for each kind a subject, a plain-text body and an HTML
 * body. `it` holds the mail's data (MailData in templates.ts), the brand (MailBrand: product_name,
 * brand_colour, brand_text_colour, support_url) and the words of the mail's language: `it.t(key,
 * params)` (a catalogue text, `mail.*` keys in src/infra/i18n/locales), `it.th` and `it.tag` (the
 * same as HTML, infra/i18n/markup.ts), `it.t.lang` (its tag). An operator replaces any of them with a
 * file of the same name in HEIMDALL_MAIL_TEMPLATES, e.g. password_reset.html.eta.
 */
export const MAIL_KINDS = ['password_reset', 'password_changed', 'email_verification', 'email_change', 'email_change_notice', 'test'] as const
export type MailKind = (typeof MAIL_KINDS)[number]
export const MAIL_PARTS = ['subject', 'text', 'html'] as const
export type MailPart = (typeof MAIL_PARTS)[number]

const html = (title: string, body: string) => `<!doctype html>
<html lang="<%= it.t.lang %>"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #202124; max-width: 32rem; margin: 0 auto; padding: 1.5rem;">
${body}
<p style="color: #5f6368; font-size: 0.875rem;"><%= it.t('mail.sent_by', { product: it.product_name, url: it.public_url }) %><% if (it.support_url) { %> · <a href="<%= it.support_url %>" style="color: #5f6368;"><%= it.t('mail.help') %></a><% } %></p>
</body></html>
`
const button = (action: string) => `<p><a href="<%= it.link %>" style="display: inline-block; padding: 0.6rem 1rem; background: <%= it.brand_colour %>; color: <%= it.brand_text_colour %>; text-decoration: none; border-radius: 0.4rem;"><%= it.t('${action}') %></a></p>
<p style="font-size: 0.875rem;"><%= it.t('mail.open_address', { link: it.link }) %></p>`
/** A catalogue text as a mail's HTML paragraph, the addresses in bold. */
const p = (key: string) => `<p><%~ it.th('${key}', { email: it.tag('strong', it.email), new_email: it.tag('strong', it.new_email ?? ''), expires_in: it.expires_in ?? '' }) %></p>`
/** A catalogue text as a plain-text mail's line (no escaping: not HTML). */
const line = (key: string) => `<%= it.t('${key}', { email: it.email, new_email: it.new_email ?? '', expires_in: it.expires_in ?? '', product: it.product_name, url: it.public_url }) %>`

export const BUILTIN_MAIL_TEMPLATES: Record<MailKind, Record<MailPart, string>> = {
  password_reset: {
    subject: line('mail.password_reset.subject'),
    text: `${line('mail.password_reset.asked')}

${line('mail.password_reset.choose_within')}
<%= it.link %>

${line('mail.password_reset.ignore')}
`,
    html: html(line('mail.password_reset.subject'), `${p('mail.password_reset.asked')}
${p('mail.password_reset.choose_html')}
${button('mail.password_reset.button')}
${p('mail.password_reset.ignore')}`),
  },
  password_changed: {
    subject: line('mail.password_changed.subject'),
    text: `${line('mail.password_changed.changed')}

${line('mail.not_you_reset')}
`,
    html: html(line('mail.password_changed.subject'), `${p('mail.password_changed.changed')}
${p('mail.not_you_reset')}`),
  },
  email_verification: {
    subject: line('mail.email_verification.subject'),
    text: `${line('mail.email_verification.confirm')}
<%= it.link %>

${line('mail.email_verification.ignore')}
`,
    html: html(line('mail.email_verification.subject'), `${p('mail.email_verification.confirm_html')}
${button('mail.email_verification.button')}
${p('mail.email_verification.ignore')}`),
  },
  email_change: {
    subject: line('mail.email_change.subject'),
    text: `${line('mail.email_change.asked')}

${line('mail.email_change.confirm')}
<%= it.link %>

${line('mail.email_change.ignore')}
`,
    html: html(line('mail.email_change.subject'), `${p('mail.email_change.asked')}
${p('mail.email_change.confirm_html')}
${button('mail.email_change.button')}
${p('mail.email_change.ignore')}`),
  },
  email_change_notice: {
    subject: line('mail.email_change_notice.subject'),
    text: `${line('mail.email_change_notice.asked')}

${line('mail.not_you_reset')}
`,
    html: html(line('mail.email_change_notice.subject'), `${p('mail.email_change_notice.asked')}
${p('mail.not_you_reset')}`),
  },
  test: {
    subject: line('mail.test.subject'),
    text: `${line('mail.test.text')}
`,
    html: html(line('mail.test.subject'), `<p><%= it.t('mail.test.html', { product: it.product_name }) %></p>`),
  },
}
