import type { Context } from '../../../context.js'
import type { Pages } from '../pages.js'
import { resetPasswordPage } from './reset-password.js'
import { RECOVERY_TEMPLATES } from './templates.js'
import { verifyEmailPage } from './verify-email.js'

/** The pages the recovery and verification mails link to. */
export function recoveryPages(pages: Pages, context: Context): void {
  pages.engine.define(RECOVERY_TEMPLATES)
  resetPasswordPage(pages, context)
  verifyEmailPage(pages, context)
}
