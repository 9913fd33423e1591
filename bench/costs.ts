// Database statements per operation, counted on a real server: the inputs of docs/scaling.md's
// capacity model (writes per login and refresh, reads per cold and warm validation).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { startHttpServer } from '../src/http/server.js'
import { prepareService } from '../src/usecases/service/prepare-service.js'
import { BENCH_PASSWORD } from './seed.js'

export interface OperationCost {
  operation: string
  reads: number
  writes: number
  transactions: number
}

/** Runs each operation once over HTTP and counts the SQL statements it sent, by kind. */
export async function measureStatementCosts(): Promise<OperationCost[]> {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-costs-'))
  const env = {
    HEIMDALL_DATABASE_URL: `sqlite:${join(dir, 'costs.db')}`,
    HEIMDALL_JWT_SECRET: randomBytes(48).toString('base64url'),
    HEIMDALL_BCRYPT_COST: '10',
    HEIMDALL_LOG_LEVEL: 'silent',
  }
  // No revocation poll: its statements are per interval, not per operation.
  const ctx = createContext(loadConfig(env))
  await prepareService(ctx, { migrate: true })
  const server = await startHttpServer(ctx, { host: '127.0.0.1', port: 0 })
  const statements: string[] = []
  ctx.db.on('query', (query: { sql: string }) => statements.push(query.sql))
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    })
    return (response.status === 204 ? {} : response.json()) as Promise<{ access_token?: string; refresh_token?: string }>
  }
  const costs: OperationCost[] = []
  async function count(operation: string, run: () => Promise<unknown>): Promise<void> {
    statements.length = 0
    await run()
    const kinds = statements.map((sql) => /^\s*(\w+)/.exec(sql)?.[1].toLowerCase())
    const writes = kinds.filter((kind) => kind === 'insert' || kind === 'update' || kind === 'delete').length
    const transactions = kinds.filter((kind) => kind === 'begin').length
    costs.push({ operation, reads: kinds.filter((kind) => kind === 'select').length, writes, transactions })
  }

  try {
    const email = `costs-${Date.now()}@example.com`
    let access: string | undefined
    let refresh: string | undefined
    await count('register', () => post('/auth/register', { email, password: BENCH_PASSWORD }))
    await count('login', async () => ({ access_token: access, refresh_token: refresh } = await post('/auth/login', { email, password: BENCH_PASSWORD })))
    await count('validate, session not cached', () => post('/auth/validate', { token: access }))
    await count('validate, session cached', () => post('/auth/validate', { token: access }))
    await count('refresh', async () => ({ access_token: access } = await post('/auth/refresh', { refresh_token: refresh })))
    await count('logout', () => post('/auth/logout', {}, access!))
    return costs
  } finally {
    await server.close(100)
    await ctx.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
