import { Flags } from '@oclif/core'
import { DURATION_RANGES } from '../../domain/durations.js'
import { listAuditEvents } from '../../usecases/audit/list-audit-events.js'
import { emailFlag } from '../args.js'
import { BaseCommand } from '../base-command.js'
import { durationFlag } from '../duration-flag.js'
import { integerFlag } from '../integer-input.js'
import { isoTime } from '../format.js'

export default class AuditList extends BaseCommand<typeof AuditList> {
  static override summary = 'Show audit events, newest first.'
  static override examples = [
    '<%= config.bin %> audit:list',
    '<%= config.bin %> audit:list --user ada@example.com --since 1h',
    '<%= config.bin %> audit:list --type login.failed --json',
  ]
  static override flags = {
    user: emailFlag({ description: 'Only events of this user (email)' }),
    type: Flags.string({ description: 'Only events of this type, e.g. login.failed, logout, refresh.reuse_detected, or of this catalogue event type (user.created, session.revoked: docs/events.md)' }),
    since: Flags.string({ description: 'Only events newer than this duration: 30m, 24h, 7d' }),
    limit: integerFlag({ description: 'At most this many events', default: 100, min: 1, max: 10000 }),
  }

  public async run() {
    const sinceSeconds = this.flags.since === undefined ? undefined : durationFlag(this.flags.since, '--since', DURATION_RANGES.auditSince)
    const events = await listAuditEvents(this.context, { email: this.flags.user, type: this.flags.type, sinceSeconds, limit: this.flags.limit })
    for (const event of events) {
      this.log(`${isoTime(event.createdAt)}  ${event.type.padEnd(22)} user=${event.userId ?? '-'} session=${event.sessionId ?? '-'} ${event.detail ? JSON.stringify(event.detail) : ''}${event.event ? ` event=${event.event.type}` : ''}`)
    }
    if (events.length === 0) this.log('No events')
    return events.map((event) => ({
      id: event.id,
      type: event.type,
      user_id: event.userId,
      session_id: event.sessionId,
      detail: event.detail,
      created_at: isoTime(event.createdAt),
      event: event.event,
    }))
  }
}
