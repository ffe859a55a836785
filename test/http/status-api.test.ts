import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { flushContacts } from '../../src/store/contacts.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W2001',
    email: 'Dana.Fields@Example.com',
    postalCode: '30301-1234',
    placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: 'PO-5', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'BOLT', poNumber: 'PO-5', poLine: '2' },
    ],
  })
  await ingestSupplierFeed(db, {
    body: Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-5,1,,backordered,2,2026-12-14,,\n'),
    filename: 'acme.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-18T12:00:00Z'),
  })
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 5 } })
})
after(async () => {
  await app.close()
  await db.close()
})

test('a customer with the order number and email sees every line, without suppliers or POs', async () => {
  const res = await app.inject({ url: '/api/orders/W2001/status?email=dana.fields%40example.com', remoteAddress: '10.0.0.1' })
  assert.equal(res.statusCode, 200)
  const body = res.json()
  assert.equal(body.orderNumber, 'W2001')
  assert.equal(body.state, 'backordered')
  assert.equal(body.lines.length, 2)
  assert.equal(body.lines[0].state, 'backordered')
  assert.deepEqual(body.lines[0].quantities, { backordered: 2 })
  assert.equal(body.lines[0].eta.source, 'supplier')
  assert.ok(body.lines[0].eta.earliest >= '2026-12-14')
  assert.equal(typeof body.headline, 'string')
  const text = res.body
  for (const secret of ['ACME', 'BOLT', 'Acme', 'Bolt', 'PO-5', 'A-7781', '150.00']) assert.ok(!text.includes(secret), `leaks ${secret}`)
})

test('the postal code works too, with or without the ZIP+4 dash', async () => {
  const res = await app.inject({ url: '/api/orders/W2001/status?postal_code=30301 1234', remoteAddress: '10.0.0.2' })
  assert.equal(res.statusCode, 200)
})

test('an unknown order and a wrong email get the identical 404', async () => {
  const unknown = await app.inject({ url: '/api/orders/NOPE/status?email=dana.fields@example.com', remoteAddress: '10.0.0.3' })
  const wrong = await app.inject({ url: '/api/orders/W2001/status?email=someone@example.com', remoteAddress: '10.0.0.3' })
  assert.equal(unknown.statusCode, 404)
  assert.equal(wrong.statusCode, 404)
  assert.equal(unknown.body, wrong.body)
})

test('a lookup without email or postal code is a clear 400', async () => {
  const res = await app.inject({ url: '/api/orders/W2001/status', remoteAddress: '10.0.0.4' })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().error.code, 'REQUEST_INVALID')
  assert.match(res.json().error.message, /email or the postal code/)
})

test('lookups are rate limited per client', async () => {
  const codes: number[] = []
  for (let i = 0; i < 7; i++) {
    codes.push((await app.inject({ url: `/api/orders/X${i}/status?email=a@b.c`, remoteAddress: '10.9.9.9' })).statusCode)
  }
  assert.deepEqual(codes, [404, 404, 404, 404, 404, 429, 429])
  const res = await app.inject({ url: '/api/orders/X/status?email=a@b.c', remoteAddress: '10.9.9.9' })
  assert.equal(res.json().error.code, 'RATE_LIMITED')
})

test('health, home page and OpenAPI docs answer', async () => {
  const health = await app.inject({ url: '/healthz' })
  assert.equal(health.statusCode, 200)
  assert.equal(health.json().ok, true)
  const home = await app.inject({ url: '/' })
  assert.match(home.body, /<label for="order_number">Order number<\/label>/)
  const spec = (await app.inject({ url: '/docs/json' })).json()
  assert.ok(spec.paths['/api/orders/{number}/status'])
  assert.ok(spec.paths['/api/orders/{number}/status'].get.responses['404'])
  const ui = await app.inject({ url: '/docs' })
  assert.ok([200, 302].includes(ui.statusCode))
})

test('a repeat lookup is served from the stored view until something about the order changes', async () => {
  const url = '/api/orders/W2001/status?email=dana.fields@example.com'
  const first = await app.inject({ url, remoteAddress: '10.1.0.1' })
  const [stored] = await db.query<{ view: string; order_version: number }>(
    'SELECT v.view, v.order_version FROM order_views v JOIN orders o USING (order_id) WHERE o.order_number = $1',
    ['W2001'],
  )
  assert.equal(stored.view, first.body)
  const second = await app.inject({ url, remoteAddress: '10.1.0.1' })
  assert.equal(second.body, first.body)
  assert.match(second.headers['content-type'] as string, /application\/json/)

  // News from the supplier moves the order's version on: the next answer is derived afresh.
  await ingestSupplierFeed(db, {
    body: Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-5,1,,accepted,2,2026-11-24,,\n'),
    filename: 'acme2.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-20T14:00:00Z'),
  })
  const third = await app.inject({ url, remoteAddress: '10.1.0.1' })
  assert.equal(third.json().lines[0].state, 'restocked')

  // A new day re-derives too (the ETA of a late line moves with the calendar).
  clock.advanceDays(9)
  const later = await app.inject({ url, remoteAddress: '10.1.0.1' })
  assert.notEqual(later.body, third.body)
  clock.set('2026-11-20T15:00:00Z')
})

test('every answered lookup is recorded as a contact answered without a person', async () => {
  await flushContacts(db) // the lookups of the tests above
  const before = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM contacts WHERE channel = 'api' AND outcome = 'deflected'`))[0].n
  await app.inject({ url: '/api/orders/W2001/status?email=dana.fields@example.com', remoteAddress: '10.3.0.1' })
  await app.inject({ url: '/api/orders/W2001/status?email=wrong@example.com', remoteAddress: '10.3.0.1' })
  await new Promise((r) => setTimeout(r, 400))
  const written = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM contacts WHERE channel = 'api' AND outcome = 'deflected'`))[0].n
  assert.equal(written - before, 1, 'written off the lookup path, within a quarter-second')
  await app.inject({ url: '/api/orders/W2001/status?email=dana.fields@example.com', remoteAddress: '10.3.0.1' })
  await flushContacts(db)
  const after = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM contacts WHERE channel = 'api' AND outcome = 'deflected'`))[0].n
  assert.equal(after - before, 2)
})
