import { Args, Flags } from '@oclif/core'
import { importUsers, ON_CONFLICT, type ImportFailure, type ImportSummary } from '../../usecases/users/import-users.js'
import { BaseCommand } from '../base-command.js'
import { exitCodeFor } from '../exit-codes.js'
import { readLines } from '../read-lines.js'
import { FIREBASE_FLAGS, firebaseConfigOf } from './firebase-flags.js'

/** Failures kept for --json (every one is printed on stderr as it is found). */
const FAILURES_IN_JSON = 1000

export default class UserImport extends BaseCommand<typeof UserImport> {
  static override summary = 'Import users from JSON Lines, with password hashes from elsewhere (docs/migrating.md).'
  static override description = 'Hashes are stored as given (bcrypt, argon2, scrypt, PBKDF2, Firebase scrypt) and replaced by the configured algorithm on each user\'s next sign-in. A bad record is reported with its line number and the rest are imported; the exit code is then 65.'
  static override examples = [
    '<%= config.bin %> user:import users.jsonl --on-conflict skip',
    'jq -c ... export.json | <%= config.bin %> user:import - --dry-run',
    '<%= config.bin %> user:import firebase.jsonl --firebase-signer-key "$KEY" --firebase-salt-separator Bw== --firebase-rounds 8 --firebase-mem-cost 14',
  ]

  static override args = { file: Args.string({ description: 'JSON Lines file, or - for standard input', required: true }) }
  static override flags = {
    'on-conflict': Flags.string({ description: 'An email already registered: skip it, update it from the record, or fail the record', options: [...ON_CONFLICT], default: 'fail' }),
    'dry-run': Flags.boolean({ description: 'Check every record and count, writing nothing' }),
    ...FIREBASE_FLAGS,
  }

  public async run() {
    const started = performance.now()
    const failures: ImportFailure[] = []
    const progress = process.stderr.isTTY ? (summary: ImportSummary) => process.stderr.write(`\r${counts(summary)}...`) : undefined
    const summary = await importUsers(this.context, {
      lines: readLines(this.args.file),
      onConflict: this.flags['on-conflict'] as (typeof ON_CONFLICT)[number],
      dryRun: this.flags['dry-run'] ?? false,
      firebase: firebaseConfigOf(this.flags),
      onFailure: (failure) => {
        if (failures.length < FAILURES_IN_JSON) failures.push(failure)
        process.stderr.write(`${progress ? '\r\x1b[K' : ''}line ${failure.line}: ${failure.message}\n`)
      },
      onProgress: progress,
    })
    if (progress) process.stderr.write('\r\x1b[K')
    const seconds = (performance.now() - started) / 1000
    const records = summary.imported + summary.updated + summary.skipped + summary.failed
    const perSecond = Math.round(records / Math.max(seconds, 0.001))
    this.log(`${summary.dry_run ? 'Dry run, nothing written: ' : ''}${counts(summary)} in ${seconds.toFixed(1)} s (${perSecond} records/s)`)
    if (summary.failed > 0) process.exitCode = exitCodeFor('validation.failed')
    return { ...summary, seconds: Number(seconds.toFixed(3)), per_second: perSecond, failures }
  }
}

function counts(summary: ImportSummary): string {
  return `imported ${summary.imported}, updated ${summary.updated}, skipped ${summary.skipped}, failed ${summary.failed}`
}
