import { HeimdallError } from '../errors.js'
import { getDiagnostics, type DiagnosticCheck } from '../usecases/service/get-diagnostics.js'
import { BaseCommand } from './base-command.js'

type DoctorCheck = Omit<DiagnosticCheck, 'name'> & { name: DiagnosticCheck['name'] | 'config' }

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check an installation: database, migrations, JWT secret, data key, bcrypt cost, clock, public URL.'
  static override description = 'Prints one line per check as it runs, with what to fix. Exits 0 when every check passes or only warns, 1 otherwise.'
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --database-url mysql://heimdall:pw@db:3306/heimdall',
    '<%= config.bin %> doctor --json',
  ]

  public async run(): Promise<DoctorCheck[]> {
    const checks: DoctorCheck[] = []
    try {
      for await (const check of getDiagnostics(this.context)) this.report(checks, check)
    } catch (error) {
      // An invalid setting stops the configuration from loading at all: that is the finding.
      if (!(error instanceof HeimdallError && error.code === 'config.invalid')) throw error
      this.report(checks, { name: 'config', status: 'fail', detail: error.message, fix: 'correct the setting named above' })
    }
    if (checks.some((check) => check.status === 'fail')) process.exitCode = 1
    return checks
  }

  private report(checks: DoctorCheck[], check: DoctorCheck): void {
    checks.push(check)
    const status = { ok: 'ok  ', fail: 'FAIL', skip: 'skip', warn: 'warn' }[check.status]
    this.log(`${status}  ${check.name.padEnd(11)}  ${check.detail}${check.fix ? `\n      fix: ${check.fix}` : ''}`)
  }
}
