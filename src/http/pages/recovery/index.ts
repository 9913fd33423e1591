import type { Pages } from '../pages.js'
import { forgotPasswordPage } from './forgot-password.js'
import { resetPasswordPage } from './reset-password.js'
import { RECOVERY_TEMPLATES } from './templates.js'
import { verifyEmailPage } from './verify-email.js'

/** The pages the recovery and verification mails link to, and the one that asks for a reset link. */
export function recoveryPages(pages: Pages): void {
  pages.engine.define(RECOVERY_TEMPLATES)
  forgotPasswordPage(pages)
  resetPasswordPage(pages)
  verifyEmailPage(pages)
}
