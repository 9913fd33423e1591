import { listSessions } from '../../usecases/sessions/list-sessions.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { isoTime, NO_DATE } from '../format.js'

export default class SessionList extends BaseCommand<typeof SessionList> {
  static override summary = "List a user's sessions, newest first."
  static override examples = ['<%= config.bin %> session:list ada@example.com', '<%= config.bin %> session:list ada@example.com --json']
  static override args = { email: emailArg }

  public async run() {
    const sessions = await listSessions(this.context, { email: this.args.email })
    for (const session of sessions) {
      const why = session.revokedReason ? ` (${session.revokedReason})` : ''
      this.log(`${session.id}  ${session.state.padEnd(7)}${why}  created ${isoTime(session.createdAt)}  expires ${isoTime(session.expiresAt) ?? NO_DATE}`)
    }
    if (sessions.length === 0) this.log('No sessions')
    return sessions.map((session) => ({
      id: session.id,
      state: session.state,
      created_at: isoTime(session.createdAt),
      expires_at: isoTime(session.expiresAt),
      revoked_at: isoTime(session.revokedAt),
      revoked_reason: session.revokedReason,
    }))
  }
}
