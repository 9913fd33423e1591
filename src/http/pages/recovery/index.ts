import type { Context } from '../../../context.js'
import type { Pages } from '../pages.js'
import { forgotPasswordPage } from './forgot-password.js'
import { resetPasswordPage } from './reset-password.js'
import { RECOVERY_TEMPLATES } from './templates.js'
import { verifyEmailPage } from './verify-email.js'

/** The pages the recovery and verification mails link to, and the one that asks for a reset link. */
export function recoveryPages(pages: Pages, context: Context): void {
  pages.engine.define(RECOVERY_TEMPLATES)
  forgotPasswordPage(pages, context)
  resetPasswordPage(pages, context)
  verifyEmailPage(pages, context)
}
