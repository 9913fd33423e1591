import { revokeSession } from '../../usecases/sessions/revoke-session.js'
import { sessionIdArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class SessionRevoke extends BaseCommand<typeof SessionRevoke> {
  static override summary = 'Revoke one session: every token bound to it stops validating.'
  static override examples = ['<%= config.bin %> session:revoke 0b7c5a1e-2f43-4c1e-9d0a-6a1f2b3c4d5e']

  static override args = { sessionId: sessionIdArg }

  public async run(): Promise<{ revoked: string }> {
    await revokeSession(this.context, { sessionId: this.args.sessionId, reason: 'admin' })
    this.log(`Revoked session ${this.args.sessionId}`)
    return { revoked: this.args.sessionId }
  }
}
