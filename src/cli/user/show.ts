import { getUserDetails } from '../../usecases/users/get-user-details.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { isoTime } from '../format.js'

export default class UserShow extends BaseCommand<typeof UserShow> {
  static override summary = 'Show one user: state, roles, permissions, how many sessions are active and the identities linked at other providers.'
  static override examples = ['<%= config.bin %> user:show ada@example.com', '<%= config.bin %> user:show ada@example.com --json']
  static override args = { email: emailArg }

  public async run() {
    const user = await getUserDetails(this.context, { email: this.args.email })
    this.log(`id:              ${user.id}`)
    this.log(`email:           ${user.email}`)
    this.log(`disabled:        ${user.disabled ? 'yes' : 'no'}`)
    this.log(`email verified:  ${user.emailVerified ? 'yes' : 'no'}`)
    this.log(`roles:           ${user.roles.join(', ') || '(none)'}`)
    this.log(`permissions:     ${user.permissions.join(', ') || '(none)'}`)
    const { createdAt, activeSessions, emailVerified, identities, ...fields } = user
    this.log(`created_at:      ${isoTime(createdAt)}`)
    this.log(`active sessions: ${activeSessions}`)
    this.log(`identities:      ${identities.map((identity) => `${identity.provider} (${identity.email ?? identity.subject}, linked ${isoTime(identity.linkedAt)})`).join(', ') || '(none)'}`)
    const identitiesJson = identities.map((identity) => ({
      provider: identity.provider,
      subject: identity.subject,
      email: identity.email,
      linked_at: isoTime(identity.linkedAt),
      last_sign_in_at: isoTime(identity.lastSignInAt),
    }))
    return { ...fields, email_verified: emailVerified, created_at: isoTime(createdAt), active_sessions: activeSessions, identities: identitiesJson }
  }
}
