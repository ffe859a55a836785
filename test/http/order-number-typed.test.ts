import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { orderNumberKey } from '../../src/domain/order-number.ts'
import { loadOrderSnapshot } from '../../src/store/order-snapshot.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'

// Issue 16 item 1: order numbers as people type them, and a typo counted once.
let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  for (const orderNumber of ['W101301', 'W101302']) {
    await seedOrder(db, {
      orderNumber, email: 'dana.fields@example.com', postalCode: '30301', placedAt: '2026-11-16T10:00:00Z',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }],
    })
  }
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 1000, lookupFailuresPerOrder: 3, lookupFailuresPerClient: 50 } })
})
after(async () => {
  await app.close()
  await db.close()
})

test('orderNumberKey: trim, one leading #, any case', () => {
  assert.equal(orderNumberKey(' #w101301 '), 'W101301')
  assert.equal(orderNumberKey('W101301'), 'W101301')
  assert.equal(orderNumberKey('# W101301'), 'W101301')
})

test('#W101301, w101301 and " W101301 " find the order through the API and the store', async () => {
  for (const typed of ['#W101301', 'w101301', ' W101301 ']) {
    const res = await app.inject({ url: `/api/orders/${encodeURIComponent(typed)}/status?email=dana.fields@example.com` })
    assert.equal(res.statusCode, 200, `${JSON.stringify(typed)}: ${res.body}`)
    assert.equal(res.json().orderNumber, 'W101301')
    assert.equal((await loadOrderSnapshot(db, typed))?.orderNumber, 'W101301')
  }
})

test('the lookup page takes the order number as typed and lands on the order', async () => {
  const res = await app.inject({ method: 'POST', url: '/lookup', payload: { order_number: ' #w101301', postal_code: '30301' } })
  assert.equal(res.statusCode, 303, res.body)
  assert.equal(res.headers.location, '/orders/W101301')
  const cookie = String(res.headers['set-cookie']).split(';')[0]
  const page = await app.inject({ url: '/orders/W101301', headers: { cookie } })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /W101301/)
})

test('the same wrong proof from the same client counts once toward the lock-out', async () => {
  const wrong = (n: string, email: string) => app.inject({ url: `/api/orders/${encodeURIComponent(n)}/status?email=${email}` })
  // Five retries of one typo (in several spellings of the number): one failure, not five.
  for (const n of ['W101302', 'w101302', '#W101302', ' w101302', 'W101302']) assert.equal((await wrong(n, 'dana.feilds@example.com')).statusCode, 404)
  assert.equal((await wrong('W101302', 'dana.fields@example.com')).statusCode, 200, 'one typo retried does not lock the order')
  // Different wrong proofs still count, each once: the limit (3) is reached.
  assert.equal((await wrong('W101302', 'x1@example.com')).statusCode, 404)
  assert.equal((await wrong('W101302', 'x2@example.com')).statusCode, 404)
  assert.equal((await wrong('w101302', 'dana.fields@example.com')).statusCode, 429, 'any spelling of the number is the same lock-out')
})
