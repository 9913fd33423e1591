import type { Context } from '../../../context.js'
import { HeimdallError } from '../../../errors.js'
import { VERIFY_PAGE_PATH } from '../../../usecases/recovery/link-mails.js'
import { confirmEmailLink } from '../../../usecases/recovery/confirm-email-link.js'
import { endedInWords } from '../../../usecases/recovery/first-proof.js'
import { requestContexts } from '../../request-context.js'
import type { Pages } from '../pages.js'

/**
 * GET /account/verify-email?token=...: where verification and email-change mails lead. Opening the
 * link confirms the address (or completes the change) and says so; a link that does not work says why.
 */
export function verifyEmailPage(pages: Pages, context: Context): void {
  const contextOf = requestContexts(context)
  pages.page(VERIFY_PAGE_PATH, {
    async get(ctx) {
      const token = typeof ctx.query.token === 'string' ? ctx.query.token : ''
      try {
        const result = await confirmEmailLink(contextOf(ctx), { token })
        pages.render(ctx, '@message', {
          title: result.kind === 'changed' ? 'Email address changed' : 'Email address confirmed',
          tone: 'success',
          message:
            result.kind === 'changed'
              ? `Your account now uses ${result.email}.`
              : `${result.email} is confirmed as your address. Thank you.${result.endedAtFirstProof && endedInWords(result.endedAtFirstProof) ? ` ${endedInWords(result.endedAtFirstProof)}` : ''}`,
        })
      } catch (error) {
        if (!(error instanceof HeimdallError) || (error.code !== 'recovery.invalid_token' && error.code !== 'user.email_taken')) throw error
        const message = error.code === 'user.email_taken' ? 'Another account already uses this address, so it cannot be moved to it.' : `${error.message}.`
        pages.render(ctx, '@message', { title: 'This link does not work', tone: 'failure', message }, error.status)
      }
    },
  })
}
