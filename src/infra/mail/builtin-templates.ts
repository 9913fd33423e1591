/**
 * The mails Heimdall sends, as Eta templates: for each kind a subject, a plain-text body and an HTML
 * body. `it` holds the mail's data (MailData in templates.ts) and the brand (MailBrand: product_name,
 * brand_colour, brand_text_colour, support_url). An operator replaces any of them with a
 * file of the same name in HEIMDALL_MAIL_TEMPLATES, e.g. password_reset.html.eta.
 */
export const MAIL_KINDS = ['password_reset', 'password_changed', 'email_verification', 'email_change', 'email_change_notice', 'test'] as const
export type MailKind = (typeof MAIL_KINDS)[number]
export const MAIL_PARTS = ['subject', 'text', 'html'] as const
export type MailPart = (typeof MAIL_PARTS)[number]

const html = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #202124; max-width: 32rem; margin: 0 auto; padding: 1.5rem;">
${body}
<p style="color: #5f6368; font-size: 0.875rem;">Sent by <%= it.product_name %> for <%= it.public_url %><% if (it.support_url) { %> · <a href="<%= it.support_url %>" style="color: #5f6368;">Help</a><% } %></p>
</body></html>
`
const button = `<p><a href="<%= it.link %>" style="display: inline-block; padding: 0.6rem 1rem; background: <%= it.brand_colour %>; color: <%= it.brand_text_colour %>; text-decoration: none; border-radius: 0.4rem;"><%= it.action %></a></p>
<p style="font-size: 0.875rem;">Or open this address: <%= it.link %></p>`

export const BUILTIN_MAIL_TEMPLATES: Record<MailKind, Record<MailPart, string>> = {
  password_reset: {
    subject: 'Reset your password',
    text: `Someone (hopefully you) asked to reset the password of <%= it.email %>.

Choose a new password here, within <%= it.expires_in %>:
<%= it.link %>

If you did not ask for this, ignore this mail: your password stays as it is.
`,
    html: html('Reset your password', `<p>Someone (hopefully you) asked to reset the password of <strong><%= it.email %></strong>.</p>
<p>Choose a new password within <%= it.expires_in %>:</p>
${button.replace('<%= it.action %>', 'Choose a new password')}
<p>If you did not ask for this, ignore this mail: your password stays as it is.</p>`),
  },
  password_changed: {
    subject: 'Your password was changed',
    text: `The password of <%= it.email %> was just changed, and every session signed in with the old one was ended.

If this was not you, reset your password at once and tell your administrator.
`,
    html: html('Your password was changed', `<p>The password of <strong><%= it.email %></strong> was just changed, and every session signed in with the old one was ended.</p>
<p>If this was not you, reset your password at once and tell your administrator.</p>`),
  },
  email_verification: {
    subject: 'Confirm your email address',
    text: `Confirm that <%= it.email %> is your address: open this link within <%= it.expires_in %> and press the button on the page:
<%= it.link %>

If you did not create an account, ignore this mail.
`,
    html: html('Confirm your email address', `<p>Confirm that <strong><%= it.email %></strong> is your address, within <%= it.expires_in %>:</p>
${button.replace('<%= it.action %>', 'Confirm my address')}
<p>If you did not create an account, ignore this mail.</p>`),
  },
  email_change: {
    subject: 'Confirm your new email address',
    text: `Someone asked to change the address of the account <%= it.email %> to <%= it.new_email %>.

Confirm it: open this link within <%= it.expires_in %> and press the button on the page:
<%= it.link %>

If this was not you, ignore this mail: nothing changes.
`,
    html: html('Confirm your new email address', `<p>Someone asked to change the address of the account <strong><%= it.email %></strong> to <strong><%= it.new_email %></strong>.</p>
<p>Confirm it within <%= it.expires_in %>:</p>
${button.replace('<%= it.action %>', 'Confirm my new address')}
<p>If this was not you, ignore this mail: nothing changes.</p>`),
  },
  email_change_notice: {
    subject: 'Your email address is being changed',
    text: `Someone asked to change the address of your account from <%= it.email %> to <%= it.new_email %>. The change happens once the new address is confirmed.

If this was not you, reset your password at once and tell your administrator.
`,
    html: html('Your email address is being changed', `<p>Someone asked to change the address of your account from <strong><%= it.email %></strong> to <strong><%= it.new_email %></strong>. The change happens once the new address is confirmed.</p>
<p>If this was not you, reset your password at once and tell your administrator.</p>`),
  },
  test: {
    subject: '<%= it.product_name %> test mail',
    text: `This is a test mail from <%= it.product_name %> (<%= it.public_url %>): mail delivery works.
`,
    html: html('<%= it.product_name %> test mail', '<p>This is a test mail from <%= it.product_name %>: mail delivery works.</p>'),
  },
}
