import { listRoles } from '../../usecases/roles/list-roles.js'
import { BaseCommand } from '../base-command.js'

export default class RoleList extends BaseCommand<typeof RoleList> {
  static override summary = 'List roles and the permissions each grants.'
  static override examples = ['<%= config.bin %> role:list', '<%= config.bin %> role:list --json']

  public async run() {
    const roles = await listRoles(this.context)
    for (const role of roles) this.log(`${role.name.padEnd(12)} ${role.permissions.join(', ')}`)
    return roles.map((role) => ({ name: role.name, description: role.description, permissions: role.permissions }))
  }
}
