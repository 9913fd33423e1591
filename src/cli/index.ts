import MigrateApply from './migrate/apply.js'
import MigrateRollback from './migrate/rollback.js'
import MigrateStatus from './migrate/status.js'
import Serve from './serve.js'
import SessionRevoke from './session/revoke.js'
import TokenInspect from './token/inspect.js'
import TokenVerify from './token/verify.js'
import UserCreate from './user/create.js'

/** oclif's explicit command list (package.json "oclif.commands"). */
export const COMMANDS = {
  serve: Serve,
  migrate: MigrateApply,
  'migrate:status': MigrateStatus,
  'migrate:rollback': MigrateRollback,
  'user:create': UserCreate,
  'token:verify': TokenVerify,
  'token:inspect': TokenInspect,
  'session:revoke': SessionRevoke,
}
