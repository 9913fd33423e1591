// The suite's own harness where a fault of it cost a run: a port picked for a server that must name it
// before it starts, and a test server that fails to start.
import { createServer, type Server } from 'node:net'
import test from 'ava'
import { ephemeralRangeStart } from '../support/free-port.js'
import { freePort, startTestServer } from '../support/server.js'

const ephemeralStart = ephemeralRangeStart()

test.serial('freePort answers ports below the kernel\'s ephemeral range, which no outgoing connection or listen(0) is given', async (t) => {
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()))
  for (const port of ports) t.true(port >= 20_000 && port < ephemeralStart, `${port} is below ${ephemeralStart}`)
  // Free indeed: a server listens on one.
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', resolve))
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

test.serial('a test server whose port is taken rejects with EADDRINUSE and leaves nothing of it running [sqlite]', async (t) => {
  const port = await freePort()
  const squatter: Server = createServer()
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => squatter.close(() => resolve())))
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length
  const before = timers()
  const error = await t.throwsAsync(startTestServer('sqlite', { port }))
  t.is((error as NodeJS.ErrnoException).code, 'EADDRINUSE')
  // Its context was made before the listen failed, and is closed with it: no poller of it keeps this
  // test process alive (AVA waited on one for ever after a before hook failed so, on 2026-12-06).
  t.is(timers(), before, 'no timer of the failed server is left')
})
