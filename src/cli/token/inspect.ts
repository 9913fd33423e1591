import { Args } from '@oclif/core'
import { inspectToken } from '../../usecases/tokens/inspect-token.js'
import { BaseCommand } from '../base-command.js'
import { isoTime, NO_DATE } from '../format.js'

export default class TokenInspect extends BaseCommand<typeof TokenInspect> {
  static override summary = 'Decode a token WITHOUT verifying it, and show its expiry and its session in the database.'
  static override examples = ['<%= config.bin %> token:inspect eyJhbGciOiJIUzI1NiIs...', '<%= config.bin %> token:inspect "$TOKEN" --json']

  static override args = { token: Args.string({ description: 'Any JWT', required: true }) }

  public async run() {
    const inspection = await inspectToken(this.context, this.args.token)
    const expiresAt = inspection.expiresAt === null ? null : isoTime(inspection.expiresAt * 1000)
    this.log('Not verified: these are the claims as written, trust nothing here.')
    this.log(`header:  ${JSON.stringify(inspection.header)}`)
    this.log(`claims:  ${JSON.stringify(inspection.claims)}`)
    const noDate = inspection.expiresAt === null ? 'never (no exp claim)' : `${NO_DATE} (exp claim ${inspection.expiresAt})`
    this.log(`expires: ${expiresAt ? `${expiresAt} (${relative(expiresAt)})` : noDate}`)
    this.log(`session: ${inspection.session.id || '(no sid claim)'} ${inspection.session.state}`)
    return { ...inspection, expiresAt }
  }
}

function relative(iso: string): string {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000)
  const magnitude = Math.abs(seconds)
  const text = magnitude < 120 ? `${magnitude} s` : magnitude < 7200 ? `${Math.round(magnitude / 60)} min` : `${Math.round(magnitude / 3600)} h`
  return seconds >= 0 ? `in ${text}` : `expired ${text} ago`
}
