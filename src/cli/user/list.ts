import { Flags } from '@oclif/core'
import { listUsers } from '../../usecases/users/list-users.js'
import { BaseCommand } from '../base-command.js'
import { integerFlag, MAX_ID } from '../integer-input.js'
import { isoTime } from '../format.js'

const MAX_LIMIT = 1000

export default class UserList extends BaseCommand<typeof UserList> {
  static override summary = 'List users, oldest first, a page at a time.'
  static override examples = [
    '<%= config.bin %> user:list',
    '<%= config.bin %> user:list --email @example.com --role admin',
    '<%= config.bin %> user:list --limit 20 --page 3',
    '<%= config.bin %> user:list --offset 100 --json',
  ]

  static override flags = {
    email: Flags.string({ description: 'Only users whose email contains this text' }),
    role: Flags.string({ description: 'Only users holding this role (see role:list)' }),
    limit: integerFlag({ description: 'Users per page', default: 50, min: 1, max: MAX_LIMIT }),
    // Any page times any limit stays an exact number: an offset no database or double rounds.
    page: integerFlag({ description: 'Page number, from 1', min: 1, max: Math.floor(MAX_ID / MAX_LIMIT), exclusive: ['offset'] }),
    offset: integerFlag({ description: 'Users to skip', min: 0, max: MAX_ID, exclusive: ['page'] }),
  }

  public async run() {
    const { limit, page, email, role } = this.flags
    const offset = page === undefined ? (this.flags.offset ?? 0) : (page - 1) * limit
    const result = await listUsers(this.context, { email, role, limit, offset })
    for (const user of result.users) {
      this.log(`${user.id}  ${user.email}  ${user.disabled ? 'disabled' : 'enabled '}  ${user.roles.join(',')}  created ${isoTime(user.createdAt)}`)
    }
    if (result.users.length === 0) this.log(result.total === 0 ? 'No users' : `No users on this page (${result.total} in all)`)
    else this.log(`${offset + 1}-${offset + result.users.length} of ${result.total}`)
    return { ...result, users: result.users.map(({ createdAt, ...user }) => ({ ...user, created_at: isoTime(createdAt) })) }
  }
}
