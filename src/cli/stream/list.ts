import { listStreams } from '../../usecases/ssf/operator-streams.js'
import { BaseCommand } from '../base-command.js'
import { isoTime } from '../format.js'

export default class StreamList extends BaseCommand<typeof StreamList> {
  static override summary = 'List the Shared Signals streams receivers made (docs/ssf.md).'
  static override examples = ['<%= config.bin %> stream:list', '<%= config.bin %> stream:list --json']

  public async run() {
    const streams = await listStreams(this.context)
    for (const stream of streams) {
      const how = stream.method === 'urn:ietf:rfc:8935' ? `push ${stream.endpointUrl}` : 'poll'
      const failing = stream.pushFailures > 0 ? `  failing x${stream.pushFailures}: ${stream.lastError}` : ''
      this.log(`${stream.id}  ${stream.status.padEnd(8)}  client ${stream.clientId}  ${how}  cursor ${stream.cursor}${failing}`)
    }
    if (streams.length === 0) this.log('No streams')
    return streams.map((stream) => ({
      stream_id: stream.id,
      client_id: stream.clientId,
      delivery_method: stream.method,
      endpoint_url: stream.endpointUrl,
      status: stream.status,
      events_delivered: stream.eventsDelivered,
      cursor: stream.cursor,
      push_failures: stream.pushFailures,
      last_error: stream.lastError,
      created_at: isoTime(stream.createdAt),
    }))
  }
}
