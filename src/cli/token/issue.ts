import { Flags } from '@oclif/core'
import { DURATION_RANGES } from '../../domain/durations.js'
import { issueAccessToken } from '../../usecases/sessions/issue-access-token.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { durationFlag } from '../duration-flag.js'

export default class TokenIssue extends BaseCommand<typeof TokenIssue> {
  static override summary = 'Open a session for a user without its password and print an access token for it.'
  static override description =
    'For service accounts and tests. The session lasts as long as the token and has no refresh token; see it with session:list, end it with session:revoke.'
  static override examples = [
    '<%= config.bin %> token:issue robot@example.com',
    '<%= config.bin %> token:issue robot@example.com --ttl 12h --json',
    'curl -H "Authorization: Bearer $(<%= config.bin %> token:issue robot@example.com --ttl 5m)" http://127.0.0.1:8000/auth/me',
  ]

  static override args = { email: emailArg }
  static override flags = {
    ttl: Flags.string({ description: 'Lifetime of the token: 900, 15m, 12h, 30d; 1s to 366d (default: HEIMDALL_ACCESS_TOKEN_TTL)' }),
  }

  public async run() {
    const ttlSeconds = this.flags.ttl === undefined ? undefined : durationFlag(this.flags.ttl, '--ttl', DURATION_RANGES.issuedToken)
    const issued = await issueAccessToken(this.context, { email: this.args.email, ttlSeconds })
    this.log(issued.accessToken)
    return { access_token: issued.accessToken, token_type: issued.tokenType, expires_in: issued.expiresIn, session_id: issued.sessionId }
  }
}
