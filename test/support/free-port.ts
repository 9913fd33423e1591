import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * The lowest port of the kernel's ephemeral range (ip_local_port_range), from which it picks the
 * source port of every outgoing connection and every listen(0). Linux's default: 32768.
 */
export function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
    return Number.isInteger(low) ? low : 32768
  } catch {
    return 32768
  }
}

const RANGE_START = 20_000

/**
 * A port free right now on the loopback interface, for a server that must know its port before it
 * starts (a public URL that names it). Taken below the kernel's ephemeral range: a port from that
 * range (listen(0)) can be given to an outgoing connection (one of the suite's thousands, to a
 * database or a server) before the server listens on it, which happened (EADDRINUSE, 2026-12-06).
 * Ports are tried at random between 20000 and the range's start; where the range starts lower, the
 * kernel picks one as before. Rejects when no port answers after 100 tries.
 */
export async function freePort(): Promise<number> {
  const end = ephemeralRangeStart()
  if (end - RANGE_START < 1000) return listenedPort(0)
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = RANGE_START + Math.floor(Math.random() * (end - RANGE_START))
    try {
      return await listenedPort(candidate)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    }
  }
  throw new Error(`no free port between ${RANGE_START} and ${end} after 100 tries`)
}

/** Listens on `port` (0: the kernel's choice), closes, and answers the port. */
function listenedPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(port, '127.0.0.1', () => {
      const { port: bound } = probe.address() as { port: number }
      probe.close(() => resolve(bound))
    })
  })
}
