import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

serverTest('an unknown email and a wrong password look the same: status, body and timing', async (t, server) => {
  const known = uniqueEmail('known')
  await server.client.register(known, TEST_PASSWORD)
  const wrong = await server.client.login(known, 'Wrong-Pass-1')
  const unknown = await server.client.login(uniqueEmail('unknown'), 'Wrong-Pass-1')
  t.is(wrong.statusCode, unknown.statusCode)
  t.deepEqual(wrong.body, unknown.body)

  // Alternate the two kinds so machine noise hits both alike; each email gets fewer than 5 tries.
  const timings = { known: [] as number[], unknown: [] as number[] }
  for (let i = 0; i < 4; i++) {
    for (const kind of ['known', 'unknown'] as const) {
      const email = kind === 'known' ? known : uniqueEmail('nobody')
      const started = performance.now()
      await server.client.login(email, `Wrong-Pass-${i}`)
      timings[kind].push(performance.now() - started)
    }
  }
  const ratio = median(timings.unknown) / median(timings.known)
  t.log(`median known ${median(timings.known).toFixed(1)} ms, unknown ${median(timings.unknown).toFixed(1)} ms`)
  t.true(ratio > 0.5 && ratio < 2, `an unknown email must cost a bcrypt comparison too (ratio ${ratio.toFixed(2)})`)
}, { hashing: 'production' })
