import { Args } from '@oclif/core'
import { deleteStream } from '../../usecases/ssf/operator-streams.js'
import { BaseCommand } from '../base-command.js'

export default class StreamDelete extends BaseCommand<typeof StreamDelete> {
  static override summary = 'Delete a Shared Signals stream: its receiver hears of nothing more (audited).'
  static override examples = ['<%= config.bin %> stream:delete 0b7c5a1e-2f43-4c1e-9d0a-6a1f2b3c4d5e']
  static override args = { streamId: Args.string({ description: 'the stream id (stream:list)', required: true }) }

  public async run() {
    await deleteStream(this.context, { streamId: this.args.streamId })
    this.log(`Deleted stream ${this.args.streamId}`)
    return { deleted: this.args.streamId }
  }
}
