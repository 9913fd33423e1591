import { Args } from '@oclif/core'
import { HeimdallError } from '../../errors.js'
import { validateToken } from '../../usecases/tokens/validate-token.js'
import { BaseCommand } from '../base-command.js'
import { isoFromNumericDate } from '../format.js'

export default class TokenVerify extends BaseCommand<typeof TokenVerify> {
  static override summary = 'Validate an access token exactly as POST /auth/validate does, against the configured database.'
  static override examples = ['<%= config.bin %> token:verify eyJhbGciOiJIUzI1NiIs...', '<%= config.bin %> token:verify "$TOKEN" --json']

  static override args = { token: Args.string({ description: 'The access token (JWT)', required: true }) }

  public async run() {
    const result = await validateToken(this.context, this.args.token)
    if (!result.isValid) throw new HeimdallError(result.code, `Token is not valid: ${result.error}`)
    const expiresAt = isoFromNumericDate(result.expiresAt)
    this.log(`valid`)
    this.log(`user_id:     ${result.userId}`)
    this.log(`email:       ${result.email}`)
    this.log(`permissions: ${result.permissions.join(', ') || '(none)'}`)
    this.log(`amr:         ${result.amr.join(', ') || '(none)'}`)
    this.log(`expires_at:  ${expiresAt}`)
    return { is_valid: true, user_id: result.userId, email: result.email, permissions: result.permissions, amr: result.amr, session_id: result.sessionId, expires_at: expiresAt }
  }
}
