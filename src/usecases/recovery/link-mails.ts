import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import type { UserTokenPurpose } from '../../infra/db/tables.js'
import type { MailKind } from '../../infra/mail/builtin-templates.js'
import type { TransactionRepositories } from '../../infra/repositories/transaction.js'
import { generateUserToken, hashUserToken } from '../../infra/user-token.js'

/** Where each kind of link leads: the hosted pages (src/http/pages/recovery). */
export const RESET_PAGE_PATH = '/account/reset-password'
export const VERIFY_PAGE_PATH = '/account/verify-email'

export interface LinkMail {
  /** `language`: the user's own choice (users.language), which wins over the request's. */
  user: { id: string; email: string; language?: string | null }
  purpose: UserTokenPurpose
  kind: MailKind
  /** Where the mail goes: the account's address, or the new one for an email change. */
  recipient: string
  newEmail?: string
  now: number
}

/**
 * Issues a one-time token and queues the mail carrying its link, within the caller's transaction:
 * the token never exists without its mail, nor the mail without its token. The user's older live
 * tokens of the same purpose stop working. Answers the outbox row's id.
 *
 * The row holds the link's path and query only (`link_path`); the server that sends the mail puts
 * its own HEIMDALL_PUBLIC_URL in front at send time. So a mail queued by a CLI process, or by an
 * instance started with other flags, links to where the sending server is reached.
 */
export async function queueLinkMail(ctx: Context, tx: TransactionRepositories, mail: LinkMail): Promise<number> {
  const token = generateUserToken()
  const ttlSeconds = mail.purpose === 'password_reset' ? ctx.config.resetTokenTtlSeconds : ctx.config.emailTokenTtlSeconds
  await tx.userTokens.insertUserTokenSupersedingOthers({
    id: randomUUID(),
    user_id: mail.user.id,
    purpose: mail.purpose,
    token_hash: hashUserToken(token),
    new_email: mail.newEmail ?? null,
    created_at: mail.now,
    expires_at: mail.now + ttlSeconds * 1000,
  })
  const page = mail.purpose === 'password_reset' ? RESET_PAGE_PATH : VERIFY_PAGE_PATH
  return tx.mailOutbox.insertMail({
    kind: mail.kind,
    recipient: mail.recipient,
    user_id: mail.user.id,
    // The outbox is delivery, due by the system clock its sender reads (infra/mail/outbox-sender.ts):
    // a test clock moved ahead must not hold the mail back. The link's expiry above keeps ctx.clock.
    now: Date.now(),
    data: {
      email: mail.user.email,
      ...(mail.newEmail === undefined ? {} : { new_email: mail.newEmail }),
      link_path: `${page}?token=${token}`,
      expires_in: inWords(ttlSeconds),
      expires_in_seconds: ttlSeconds,
      ...languageOf(ctx, mail.user),
    },
  })
}

/** Queues a mail without a link (a notice), within the caller's transaction; the sender adds its public URL. */
export function queueNotice(ctx: Context, tx: TransactionRepositories, notice: { user: { id: string; email: string; language?: string | null }; kind: MailKind; recipient: string; newEmail?: string; now: number }): Promise<number> {
  return tx.mailOutbox.insertMail({
    kind: notice.kind,
    recipient: notice.recipient,
    user_id: notice.user.id,
    // Due by the system clock, as above.
    now: Date.now(),
    data: { email: notice.user.email, ...(notice.newEmail === undefined ? {} : { new_email: notice.newEmail }), ...languageOf(ctx, notice.user) },
  })
}

/**
 * The language a mail to `user` is written in (issue 27): the user's own choice, else the language
 * of the page whose request queued it (Context.requestLanguage); neither: none, the mail is English.
 */
function languageOf(ctx: Context, user: { language?: string | null }): { language?: string } {
  const language = user.language ?? ctx.requestLanguage
  return language ? { language } : {}
}

/** "30 minutes", "1 hour", "7 days". */
export function inWords(seconds: number): string {
  const [amount, unit] = seconds % 86_400 === 0 ? [seconds / 86_400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : [Math.ceil(seconds / 60), 'minute']
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`
}
