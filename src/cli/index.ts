import AuditList from './audit/list.js'
import ClientCreate from './client/create.js'
import ClientDelete from './client/delete.js'
import ClientList from './client/list.js'
import ClientRotateSecret from './client/rotate-secret.js'
import ClientShow from './client/show.js'
import ConfigShow from './config/show.js'
import DataKeyRotate from './data-key/rotate.js'
import Doctor from './doctor.js'
import IdpCreate from './idp/create.js'
import IdpDelete from './idp/delete.js'
import IdpDisable from './idp/disable.js'
import IdpEnable from './idp/enable.js'
import IdpList from './idp/list.js'
import IdpShow from './idp/show.js'
import KeysList from './keys/list.js'
import KeysRotate from './keys/rotate.js'
import MailList from './mail/list.js'
import MailRetry from './mail/retry.js'
import MailShow from './mail/show.js'
import MailTest from './mail/test.js'
import MigrateApply from './migrate/apply.js'
import MigrateRollback from './migrate/rollback.js'
import MigrateStatus from './migrate/status.js'
import RoleList from './role/list.js'
import Serve from './serve.js'
import SessionList from './session/list.js'
import SessionRevoke from './session/revoke.js'
import StreamDelete from './stream/delete.js'
import StreamList from './stream/list.js'
import TokenInspect from './token/inspect.js'
import TokenIssue from './token/issue.js'
import TokenVerify from './token/verify.js'
import UserCreate from './user/create.js'
import UserDelete from './user/delete.js'
import UserDisable from './user/disable.js'
import UserEnable from './user/enable.js'
import UserExport from './user/export.js'
import UserGrant from './user/grant.js'
import UserImport from './user/import.js'
import UserList from './user/list.js'
import UserMfa from './user/mfa.js'
import UserMfaReset from './user/mfa/reset.js'
import UserRevoke from './user/revoke.js'
import UserSendReset from './user/send-reset.js'
import UserSetPassword from './user/set-password.js'
import UserShow from './user/show.js'
import UserUnlink from './user/unlink.js'
import UserVerifyEmail from './user/verify-email.js'
import WebhookCreate from './webhook/create.js'
import WebhookList from './webhook/list.js'
import WebhookShow from './webhook/show.js'
import WebhookDisable from './webhook/disable.js'
import WebhookEnable from './webhook/enable.js'
import WebhookDelete from './webhook/delete.js'
import WebhookRotateSecret from './webhook/rotate-secret.js'
import WebhookDeliveries from './webhook/deliveries.js'
import WebhookReplay from './webhook/replay.js'
import WebhookTest from './webhook/test.js'

/** oclif's explicit command list (package.json "oclif.commands"). */
export const COMMANDS = {
  serve: Serve,
  migrate: MigrateApply,
  'migrate:status': MigrateStatus,
  'migrate:rollback': MigrateRollback,
  'user:create': UserCreate,
  'user:list': UserList,
  'user:show': UserShow,
  'user:set-password': UserSetPassword,
  'user:delete': UserDelete,
  'user:grant': UserGrant,
  'user:revoke': UserRevoke,
  'user:disable': UserDisable,
  'user:enable': UserEnable,
  'user:mfa': UserMfa,
  'user:mfa:reset': UserMfaReset,
  'user:send-reset': UserSendReset,
  'user:verify-email': UserVerifyEmail,
  'user:unlink': UserUnlink,
  'user:import': UserImport,
  'user:export': UserExport,
  'role:list': RoleList,
  'session:list': SessionList,
  'session:revoke': SessionRevoke,
  'stream:delete': StreamDelete,
  'stream:list': StreamList,
  'token:verify': TokenVerify,
  'token:inspect': TokenInspect,
  'token:issue': TokenIssue,
  'keys:rotate': KeysRotate,
  'keys:list': KeysList,
  'data-key:rotate': DataKeyRotate,
  'audit:list': AuditList,
  'mail:list': MailList,
  'mail:show': MailShow,
  'mail:test': MailTest,
  'mail:retry': MailRetry,
  'client:create': ClientCreate,
  'client:list': ClientList,
  'client:show': ClientShow,
  'client:rotate-secret': ClientRotateSecret,
  'client:delete': ClientDelete,
  'webhook:create': WebhookCreate,
  'webhook:list': WebhookList,
  'webhook:show': WebhookShow,
  'webhook:disable': WebhookDisable,
  'webhook:enable': WebhookEnable,
  'webhook:delete': WebhookDelete,
  'webhook:rotate-secret': WebhookRotateSecret,
  'webhook:deliveries': WebhookDeliveries,
  'webhook:replay': WebhookReplay,
  'webhook:test': WebhookTest,
  'idp:create': IdpCreate,
  'idp:list': IdpList,
  'idp:show': IdpShow,
  'idp:disable': IdpDisable,
  'idp:enable': IdpEnable,
  'idp:delete': IdpDelete,
  'config:show': ConfigShow,
  doctor: Doctor,
}
