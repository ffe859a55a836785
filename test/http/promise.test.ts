/**
 * `GET /api/promise` (DESIGN.md "Before the purchase"): the product page's window from the
 * suppliers' current stock, hand-computed; no customer data; rate-limited; CORS for the store only.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'

let db: Db
let app: FastifyInstance
// Friday Nov 20 2026, 10:00 in New York.
const clock = new TestClock('2026-11-20T15:00:00Z')
const STORE = 'https://shop.example'

before(async () => {
  db = await freshDb()
  await seedCatalog(db) // ACME (3 business days) has 10 green tents, BOLT (2 days) 4; no one offers the blue tent
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 30, secret: 'promise-test-secret-0123456789', storeOrigin: STORE } })
})
after(async () => {
  await app.close()
  await db.close()
})

const ask = (qs: string, headers: Record<string, string> = {}) => app.inject({ url: `/api/promise?${qs}`, headers })

test('in stock: the quickest supplier with enough units, its lead time, then the usual transit', async () => {
  const one = await ask('sku=TENT-2P-GRN&qty=1&postal_code=30301')
  assert.equal(one.statusCode, 200)
  // BOLT: Mon 23, Tue 24; then 2–5 business days.
  assert.deepEqual(one.json(), {
    sku: 'TENT-2P-GRN', inStock: true, ship: { earliest: '2026-11-24', latest: '2026-11-24' },
    arrive: { earliest: '2026-11-26', latest: '2026-12-01', source: 'promise', basis: one.json().arrive.basis },
  })
  assert.match(one.json().arrive.basis, /in stock; ships within 2 business days/)
  assert.deepEqual(Object.keys(one.json()).sort(), ['arrive', 'inStock', 'ship', 'sku'], 'nothing else: no supplier, no customer')
  assert.ok(!one.body.includes('BOLT') && !one.body.includes('Bolt'))
  // Five units: only ACME has them (3 business days).
  const five = (await ask('sku=TENT-2P-GRN&qty=5&postal_code=SW1A%201AA&country=gb')).json()
  assert.deepEqual([five.inStock, five.ship, five.arrive.earliest, five.arrive.latest], [true, { earliest: '2026-11-25', latest: '2026-11-25' }, '2026-11-27', '2026-12-02'])
})

test("out of stock: a supplier's restock date; with none and no history, no date at all", async () => {
  const none = (await ask('sku=TENT-2P-GRN&qty=50&postal_code=30301')).json()
  assert.deepEqual(none, { sku: 'TENT-2P-GRN', inStock: false, ship: null, arrive: null })
  await db.query(`UPDATE offers SET restock_date = '2026-12-01' WHERE supplier_id = 'BOLT'`)
  const later = (await ask('sku=TENT-2P-GRN&qty=50&postal_code=30301')).json()
  assert.deepEqual([later.inStock, later.ship, later.arrive.earliest, later.arrive.latest, later.arrive.source],
    [false, { earliest: '2026-12-01', latest: '2026-12-01' }, '2026-12-03', '2026-12-08', 'supplier'])
  assert.deepEqual((await ask('sku=TENT-2P-BLU&postal_code=30301')).json(), { sku: 'TENT-2P-BLU', inStock: false, ship: null, arrive: null })
})

test('an unknown product is 404; bad input is 400 naming the field, and changes nothing', async () => {
  const unknown = await ask('sku=NOPE&postal_code=30301')
  assert.equal(unknown.statusCode, 404)
  assert.equal(unknown.json().error.code, 'PRODUCT_NOT_FOUND')
  for (const [qs, field] of [['sku=TENT-2P-GRN&qty=0&postal_code=30301', 'qty'], ['sku=TENT-2P-GRN', 'postal_code'],
    ['sku=TENT-2P-GRN&postal_code=30301&country=Narnia', 'country'], ['postal_code=30301', 'sku'], ['sku=TENT-2P-GRN&postal_code=%3Cscript%3E', 'postal_code']]) {
    const r = await ask(qs)
    assert.equal(r.statusCode, 400, qs)
    assert.equal(r.json().error.code, 'REQUEST_INVALID')
    assert.match(r.json().error.message, new RegExp(field), qs)
  }
})

test("the store's own pages may read it from the browser; no other origin may", async () => {
  const mine = await ask('sku=STOVE-1&postal_code=30301', { origin: STORE })
  assert.equal(mine.headers['access-control-allow-origin'], STORE)
  assert.match(String(mine.headers.vary), /Origin/)
  const theirs = await ask('sku=STOVE-1&postal_code=30301', { origin: 'https://evil.example' })
  assert.equal(theirs.headers['access-control-allow-origin'], undefined)
  const pre = await app.inject({ method: 'OPTIONS', url: '/api/promise?sku=STOVE-1', headers: { origin: STORE, 'access-control-request-method': 'GET' } })
  assert.equal(pre.statusCode, 204)
  assert.equal(pre.headers['access-control-allow-origin'], STORE)
  assert.equal(pre.headers['access-control-allow-methods'], 'GET')
  const evil = await app.inject({ method: 'OPTIONS', url: '/api/promise', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })
  assert.equal(evil.headers['access-control-allow-origin'], undefined)
})

test('rate-limited per client, whatever header it sends', async () => {
  const limited = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 3, secret: 'promise-test-secret-0123456789' } })
  try {
    const codes: number[] = []
    for (let i = 0; i < 5; i++) codes.push((await limited.inject({ url: '/api/promise?sku=STOVE-1&postal_code=30301', headers: { 'x-forwarded-for': `10.0.0.${i}` } })).statusCode)
    assert.deepEqual(codes, [200, 200, 200, 429, 429])
  } finally {
    await limited.close()
  }
})
