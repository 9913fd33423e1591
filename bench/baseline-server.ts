// The ceilings Heimdall is measured against, with the same worker count: a bare Koa app, or bare
// node:http, each answering POST /auth/validate (reads the JSON body) and GET /auth/me with a fixed
// JSON. Usage: node dist/bench/baseline-server.js WORKERS [koa|http]
import cluster from 'node:cluster'
import { createServer, type IncomingMessage } from 'node:http'
import Koa from 'koa'

const workers = Number(process.argv[2] ?? 2)
const kind = process.argv[3] === 'http' ? 'http' : 'koa'
const ANSWER = { is_valid: true, user_id: null, email: null, permissions: [], error: null }

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
}

/** Listens on 127.0.0.1:`port` (0: any free port) and resolves with the port. */
function listen(port: number): Promise<number> {
  const server = kind === 'http'
    ? createServer((request, response) => {
      void readJson(request).then(() => {
        const body = JSON.stringify(ANSWER)
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
        response.end(body)
      })
    })
    : createServer(koaApp().callback())
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))
}

function koaApp(): Koa {
  const app = new Koa()
  app.use(async (ctx) => {
    await readJson(ctx.req)
    ctx.body = ANSWER
  })
  return app
}

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork()
  let listening = 0
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(`listening on http://127.0.0.1:${address.port}`)
  })
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM')
    process.exit(0)
  })
} else if (workers > 1) {
  void listen(Number(process.env.BASELINE_PORT ?? 0))
} else {
  // One process, no cluster: all of its CPU is the answering.
  console.log(`listening on http://127.0.0.1:${await listen(0)}`)
}
