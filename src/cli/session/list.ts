import { Args } from '@oclif/core'
import { listSessions } from '../../usecases/queries/list-sessions.js'
import { BaseCommand } from '../base-command.js'

export default class SessionList extends BaseCommand<typeof SessionList> {
  static override summary = "List a user's sessions, newest first."
  static override examples = ['<%= config.bin %> session:list ada@example.com', '<%= config.bin %> session:list ada@example.com --json']
  static override args = { email: Args.string({ description: 'Email of the user', required: true }) }

  public async run() {
    const sessions = await listSessions(this.context, { email: this.args.email })
    for (const session of sessions) {
      const why = session.revoked_reason ? ` (${session.revoked_reason})` : ''
      this.log(`${session.id}  ${session.state.padEnd(7)}${why}  created ${session.created_at}  expires ${session.expires_at}`)
    }
    if (sessions.length === 0) this.log('No sessions')
    return sessions
  }
}
