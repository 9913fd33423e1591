import { once } from 'node:events'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import test from 'ava'
import { setStallTolerantTimeout } from '../../src/infra/stall-tolerant-timeout.js'
import { stallEventLoop } from '../support/stall.js'

/** A TCP server on a random loopback port that writes "answer" `afterMs` after each connection (never, for undefined). */
async function answeringServer(afterMs: number | undefined) {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    if (afterMs !== undefined) setTimeout(() => socket.write('answer'), afterMs)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

test('an answer that came while the event loop was stalled past the deadline is read before the deadline is called missed; a plain timer calls it a timeout', async (t) => {
  const server = await answeringServer(20)
  const events: string[] = []
  const client = connect(server.port, '127.0.0.1')
  await once(client, 'connect')
  const answered = once(client, 'data').then(() => events.push('answer'))
  const plain = setTimeout(() => events.push('plain timeout'), 200)
  const cancel = setStallTolerantTimeout(() => events.push('stall-tolerant timeout'), 200)
  // The server answers 20 ms in; this process does not run again until 600 ms.
  stallEventLoop(600)
  await answered
  cancel()
  clearTimeout(plain)
  client.destroy()
  server.close()
  t.deepEqual(events, ['plain timeout', 'answer'], 'the plain timer fired first although the answer was there')
})

test('with no answer, the deadline is met: not before `ms` on a free event loop, and still after a stall', async (t) => {
  const server = await answeringServer(undefined)
  const client = connect(server.port, '127.0.0.1')
  await once(client, 'connect')

  let started = performance.now()
  await new Promise<void>((resolve) => setStallTolerantTimeout(resolve, 300))
  const free = performance.now() - started
  t.true(free >= 295 && free < 5000, `fired after ${free.toFixed(0)} ms on a free loop`)

  started = performance.now()
  const fired = new Promise<void>((resolve) => setStallTolerantTimeout(resolve, 300))
  stallEventLoop(800)
  await fired
  const stalled = performance.now() - started
  // Late by about 500 ms, it waits again (at most 300 ms, the deadline itself) for the I/O, then fires.
  t.true(stalled >= 800 && stalled < 5000, `fired after ${stalled.toFixed(0)} ms with an 800 ms stall`)
  client.destroy()
  server.close()
})
