import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp, type AppDeps } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'

let db: Db
const clock = new TestClock('2026-11-20T15:00:00Z')
const apps: FastifyInstance[] = []

async function app(config: Partial<AppDeps['config']>): Promise<FastifyInstance> {
  const a = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 1000, ...config } })
  apps.push(a)
  return a
}

async function listen(a: FastifyInstance): Promise<string> {
  await a.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(a.server.address() as AddressInfo).port}`
}

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  for (const orderNumber of ['W3001', 'W3002', 'W3003']) {
    await seedOrder(db, {
      orderNumber, email: 'dana.fields@example.com', postalCode: '30301', placedAt: '2026-11-16T10:00:00Z',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }],
    })
  }
})
after(async () => {
  for (const a of apps) await a.close()
  await db.close()
})

test('forged X-Forwarded-For headers from one socket are all counted as that socket', async () => {
  const url = await listen(await app({ lookupRateLimit: 5 }))
  const codes: number[] = []
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${url}/api/orders/F${i}/status?email=a@b.c`, {
      headers: { 'x-forwarded-for': `198.51.100.${i + 1}`, 'x-real-ip': `198.51.100.${i + 1}`, forwarded: `for=198.51.100.${i + 1}` },
    })
    codes.push(res.status)
    if (res.status === 429) assert.equal((await res.json()).error.code, 'RATE_LIMITED')
    else await res.arrayBuffer()
  }
  assert.deepEqual(codes, [404, 404, 404, 404, 404, 429, 429, 429])
})

test("a trusted proxy's forwarded address is honoured, over real sockets", async () => {
  const url = await listen(await app({ lookupRateLimit: 3, trustProxy: ['loopback'] }))
  const get = async (client: string, n: number) => {
    const res = await fetch(`${url}/api/orders/P${n}/status?email=a@b.c`, { headers: { 'x-forwarded-for': client } })
    await res.arrayBuffer()
    return res.status
  }
  // six different customers behind the proxy: none limited
  const many: number[] = []
  for (let i = 0; i < 6; i++) many.push(await get(`203.0.113.${i + 1}`, i))
  assert.deepEqual(many, [404, 404, 404, 404, 404, 404])
  // one customer behind the proxy: limited as themselves, whatever the others do
  const one: number[] = []
  for (let i = 0; i < 5; i++) one.push(await get('203.0.113.77', 10 + i))
  assert.deepEqual(one, [404, 404, 404, 429, 429])
  assert.equal(await get('203.0.113.78', 20), 404)
})

test('a forwarded address is believed only from the listed proxies, or the configured hops', async () => {
  const cidr = await app({ lookupRateLimit: 2, trustProxy: ['10.0.0.0/8'] })
  const hops = await app({ lookupRateLimit: 2, trustProxy: 1 })
  const inject = (a: FastifyInstance, remoteAddress: string, xff: string, n: number) =>
    a.inject({ url: `/api/orders/H${n}/status?email=a@b.c`, remoteAddress, headers: { 'x-forwarded-for': xff } }).then((r) => r.statusCode)
  // through the proxy 10.1.2.3: each forwarded client has its own allowance
  assert.deepEqual([await inject(cidr, '10.1.2.3', '203.0.113.1', 1), await inject(cidr, '10.1.2.3', '203.0.113.2', 2), await inject(cidr, '10.1.2.3', '203.0.113.3', 3)], [404, 404, 404])
  // the client's own claims in front of the proxy's entry are not believed (the nearest untrusted hop counts)
  assert.deepEqual(
    [await inject(cidr, '10.1.2.3', '1.1.1.1, 203.0.113.9', 4), await inject(cidr, '10.1.2.3', '2.2.2.2, 203.0.113.9', 5), await inject(cidr, '10.1.2.3', '3.3.3.3, 203.0.113.9', 6)],
    [404, 404, 429],
  )
  // a direct client outside 10/8 forging the header is counted by its socket
  assert.deepEqual(
    [await inject(cidr, '198.51.100.5', '203.0.113.10', 7), await inject(cidr, '198.51.100.5', '203.0.113.11', 8), await inject(cidr, '198.51.100.5', '203.0.113.12', 9)],
    [404, 404, 429],
  )
  // one hop: the last forwarded address is the client
  assert.deepEqual([await inject(hops, '10.9.9.9', '203.0.113.1', 1), await inject(hops, '10.9.9.9', '203.0.113.2', 2), await inject(hops, '10.9.9.9', '203.0.113.3', 3)], [404, 404, 404])
  assert.deepEqual([await inject(hops, '10.9.9.9', '9.9.9.9, 203.0.113.4', 4), await inject(hops, '10.9.9.9', '8.8.8.8, 203.0.113.4', 5), await inject(hops, '10.9.9.9', '7.7.7.7, 203.0.113.4', 6)], [404, 404, 429])
})

test('distributed guessing of one order is stopped; the real customer gets in after the window', async () => {
  clock.set('2026-11-20T15:00:00Z')
  const a = await app({ lookupFailuresPerOrder: 4, lookupFailureWindowMinutes: 15 })
  // a second server process on the same database
  const b = await app({ lookupFailuresPerOrder: 4, lookupFailureWindowMinutes: 15 })
  let n = 0
  const look = (server: FastifyInstance, order: string, query: string) =>
    server.inject({ url: `/api/orders/${order}/status?${query}`, remoteAddress: `192.0.2.${++n}` })

  const guesses: number[] = []
  for (let zip = 10000; zip < 10004; zip++) guesses.push((await look(zip % 2 ? a : b, 'W3001', `postal_code=${zip}`)).statusCode)
  assert.deepEqual(guesses, [404, 404, 404, 404], 'the first N failures are ordinary 404s')

  const wrong = await look(b, 'W3001', 'postal_code=10004')
  const right = await look(a, 'W3001', 'postal_code=30301')
  const rightEmail = await look(b, 'W3001', 'email=dana.fields@example.com')
  for (const res of [wrong, right, rightEmail]) {
    assert.equal(res.statusCode, 429)
    assert.equal(res.body, wrong.body, 'the same answer whatever the proof')
    assert.equal(res.headers['retry-after'], String(15 * 60))
  }
  assert.equal(wrong.json().error.code, 'LOOKUP_LOCKED')

  // an order number that does not exist locks the same way, so a lock-out reveals nothing
  for (let i = 0; i < 4; i++) assert.equal((await look(a, 'NO-SUCH-ORDER', `postal_code=2000${i}`)).statusCode, 404)
  const ghost = await look(a, 'NO-SUCH-ORDER', 'postal_code=30301')
  assert.equal(ghost.statusCode, 429)
  assert.equal(ghost.body, wrong.body)

  // other orders are untouched
  assert.equal((await look(a, 'W3002', 'postal_code=30301')).statusCode, 200)

  clock.advance(15 * 60_000 - 1000)
  assert.equal((await look(a, 'W3001', 'postal_code=30301')).statusCode, 429)
  clock.advance(1000)
  const after = await look(b, 'W3001', 'postal_code=30301')
  assert.equal(after.statusCode, 200)
  assert.equal(after.json().orderNumber, 'W3001')
})

test('a burst of concurrent guesses from many addresses counts every failure', async () => {
  clock.set('2026-11-21T15:00:00Z')
  const a = await app({ lookupFailuresPerOrder: 5 })
  const burst = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      a.inject({ url: `/api/orders/W3003/status?postal_code=${40000 + i}`, remoteAddress: `198.18.0.${i + 1}` }).then((r) => r.statusCode),
    ),
  )
  assert.equal(burst.filter((c) => c === 404).length, 5)
  assert.equal(burst.filter((c) => c === 429).length, 25)
  assert.equal((await a.inject({ url: '/api/orders/W3003/status?postal_code=30301', remoteAddress: '198.18.1.1' })).statusCode, 429)
})
