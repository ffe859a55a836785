import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { applyOfferUpdates, emptyOfferTotals } from '../../src/feeds/x12/apply-offers.ts'
import { markViewsStaleForSkus } from '../../src/status/view-stale.ts'
import { importCsv } from '../../src/store/import/import-csv.ts'
import { tempDir, writeCsv } from '../import/helpers.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-03T15:00:00Z')
const dir = tempDir()
const sweep = () => runSweep(db, { now: clock.now(), calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
const lookup = async (order: string) => {
  const res = await app.inject({ url: `/api/orders/${order}/status?email=a@example.com` })
  assert.equal(res.statusCode, 200, res.body)
  return res.body
}
const views = async () =>
  Object.fromEntries((await db.query<{ order_number: string; valid: boolean }>(
    `SELECT o.order_number, v.order_version = o.version AND (v.valid_until IS NULL OR v.valid_until > $1) AS valid
       FROM orders o LEFT JOIN order_views v USING (order_id) ORDER BY 1`, [clock.now()],
  )).map((r) => [r.order_number, r.valid ?? false]))
const offer = (sku: string, availableQty: number | null, restockDate: string | null) =>
  ({ sku, supplierSku: null, availableQty, restockDate, location: 'LIN' })

beforeEach(async () => {
  clock.set('2026-11-03T15:00:00Z')
  db = await freshDb()
  await seedCatalog(db)
  const order = (orderNumber: string, lines: { sku: string; supplierId: string }[]) =>
    seedOrder(db, { orderNumber, email: 'a@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
      lines: lines.map((l, i) => ({ lineNo: i + 1, qty: 1, ...l })) })
  await order('W1', [{ sku: 'TENT-2P-GRN', supplierId: 'ACME' }, { sku: 'STOVE-1', supplierId: 'ACME' }])
  await order('W2', [{ sku: 'STOVE-1', supplierId: 'ACME' }])
  await order('W3', [{ sku: 'TENT-2P-GRN', supplierId: 'BOLT' }])
  app = await buildApp({ db, clock, config: { holidays: [], lookupRateLimit: 1000 } })
})
afterEach(async () => {
  await app.close()
  await db.close()
})

test('the sweep stores the view of every order it derives, the same answer a cold lookup gives', async () => {
  const r = await sweep()
  assert.equal(r.viewsWritten, 3)
  assert.deepEqual(await views(), { W1: true, W2: true, W3: true })
  const swept = await lookup('W1')
  await db.query('DELETE FROM order_views')
  assert.equal(await lookup('W1'), swept, 'the cold path derives the same JSON')
})

test('an offer change makes stale only the orders with open lines of that SKU, and an 846 that repeats what is known none', async () => {
  await sweep()
  const totals = emptyOfferTotals()
  await applyOfferUpdates(db, 'ACME', [offer('STOVE-1', 0, '2026-11-30')], clock.now(), totals)
  assert.equal(totals.changed, 1)
  assert.equal(totals.linesMarked, 2)
  assert.deepEqual(await views(), { W1: false, W2: false, W3: true })
  assert.match(JSON.parse(await lookup('W2')).lines[0].state, /backordered/, 'a stale view is never served')

  const again = await sweep()
  assert.equal(again.viewsWritten, 2, 'the sweep re-writes the two it re-derived')
  assert.deepEqual(await views(), { W1: true, W2: true, W3: true })
  const repeat = emptyOfferTotals()
  await applyOfferUpdates(db, 'ACME', [offer('STOVE-1', 0, '2026-11-30'), offer('TENT-2P-GRN', 10, null)], clock.now(), repeat)
  assert.deepEqual([repeat.matched, repeat.changed, repeat.linesMarked], [2, 0, 0])
  assert.deepEqual(await views(), { W1: true, W2: true, W3: true })
})

test('markViewsStaleForSkus reaches the open lines of a SKU from every supplier', async () => {
  await sweep()
  assert.equal(await markViewsStaleForSkus(db, ['TENT-2P-GRN']), 2)
  assert.deepEqual(await views(), { W1: false, W2: true, W3: false })
})

test('a view lasts until time alone could change it; the first sweep of the next day writes it afresh', async () => {
  await sweep()
  const [{ valid_until }] = await db.query<{ valid_until: Date }>(
    `SELECT v.valid_until FROM order_views v JOIN orders o USING (order_id) WHERE o.order_number = 'W2'`)
  // Never later than midnight in the store's zone (New York) after the promise of 2026-11-05, and in
  // the future: a view may expire early (it is then derived again), never late.
  assert.ok(valid_until.getTime() <= Date.parse('2026-11-06T05:00:00.000Z'), `valid until ${valid_until.toISOString()}`)
  assert.ok(valid_until.getTime() > clock.now().getTime(), `valid until ${valid_until.toISOString()}`)
  const before = await lookup('W2')
  clock.set('2026-11-06T09:00:00Z')
  assert.deepEqual(await views(), { W1: false, W2: false, W3: false })
  const late = JSON.parse(await lookup('W2'))
  assert.equal(late.lines[0].state, 'delayed', 'an expired view is derived afresh, not served')
  assert.notEqual(JSON.stringify(late), before)
  await sweep()
  assert.deepEqual(await views(), { W1: true, W2: true, W3: true })
  assert.equal(await lookup('W2'), JSON.stringify(late))
})

test('catalog imports make stale only what they change', async () => {
  await sweep()
  await importCsv(db, 'products', writeCsv(dir, ['sku,name', 'STOVE-1,Summit Camp Stove', 'TENT-2P-GRN,"Trailhead 2P Tent, green"']), { now: clock.now() })
  assert.deepEqual(await views(), { W1: true, W2: true, W3: true }, 'the same names: nothing changes')
  await importCsv(db, 'products', writeCsv(dir, ['sku,name', 'STOVE-1,Summit Camp Stove II']), { now: clock.now() })
  assert.deepEqual(await views(), { W1: false, W2: false, W3: true })
  await sweep()
  assert.match(await lookup('W2'), /Summit Camp Stove II/)
  await importCsv(db, 'suppliers', writeCsv(dir, ['supplier_id,name,lead_time_days', 'BOLT,Bolt Distribution,2']), { now: clock.now() })
  assert.deepEqual(await views(), { W1: true, W2: true, W3: true }, 'the same lead time')
  await importCsv(db, 'suppliers', writeCsv(dir, ['supplier_id,name,lead_time_days', 'BOLT,Bolt Distribution,9']), { now: clock.now() })
  assert.deepEqual(await views(), { W1: true, W2: true, W3: false })
  await importCsv(db, 'offers', writeCsv(dir, ['supplier_id,sku,available_qty', 'BOLT,TENT-2P-GRN,4']), { now: clock.now() })
  await sweep()
  assert.deepEqual(await views(), { W1: true, W2: true, W3: true })
  await importCsv(db, 'offers', writeCsv(dir, ['supplier_id,sku,available_qty', 'BOLT,TENT-2P-GRN,0']), { now: clock.now() })
  assert.deepEqual(await views(), { W1: false, W2: true, W3: false })
})
