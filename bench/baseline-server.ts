// The ceiling Heimdall is measured against: a bare Koa app with the same worker count and one route
// that reads the JSON body and answers a fixed JSON. Usage: node dist/bench/baseline-server.js WORKERS
import cluster from 'node:cluster'
import Koa from 'koa'

const workers = Number(process.argv[2] ?? 2)

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork()
  let listening = 0
  cluster.on('listening', (_worker, address) => {
    if (++listening === workers) console.log(`listening on http://127.0.0.1:${address.port}`)
  })
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM')
    process.exit(0)
  })
} else {
  const app = new Koa()
  app.use(async (ctx) => {
    const chunks: Buffer[] = []
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer)
    JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
    ctx.body = { is_valid: true, user_id: null, email: null, permissions: [], error: null }
  })
  app.listen(Number(process.env.BASELINE_PORT ?? 0), '127.0.0.1')
}
