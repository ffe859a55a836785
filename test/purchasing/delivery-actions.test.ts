import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { ingestCarrierFile } from '../../src/carriers/ingest-carrier-file.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { actOnParcel, type DeliveryActionRequest } from '../../src/purchasing/delivery-problem.ts'

let db: Db
const LOST = '1Z999AA10123456784'
const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
const sweep = (at: string) => runSweep(db, { now: new Date(at), calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
const feed = (supplierId: string, rows: string[], at: string) =>
  ingestSupplierFeed(db, { body: Buffer.from([HEADER, ...rows].join('\n')), filename: `${supplierId}-${at}.csv`, supplierId, source: 'test', receivedAt: new Date(at) })
const request = (over: Partial<DeliveryActionRequest> = {}): DeliveryActionRequest => ({
  orderNumber: 'W6001', lineNo: 1, trackingNumber: LOST, reason: 'damaged', decidedBy: 'rep:rita@store.example',
  now: new Date('2026-11-25T15:00:00Z'), calendar: DEFAULT_CALENDAR, ...over,
})
const task = async () => (await db.query<{ status: string; closed_by: string | null; close_note: string | null }>(
  `SELECT status, closed_by, close_note FROM tasks WHERE kind = 'carrier_exception' ORDER BY task_id`,
))

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W6001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
  await feed('ACME', [`W6001,1,TENT-2P-GRN,shipped,1,,UPS,${LOST}`], '2026-11-18T12:00:00Z')
  const events = [{ tracking_number: LOST, carrier: 'UPS', status: 'exception', occurred_at: '2026-11-20T14:00:00Z', message: 'Package damaged in transit' }]
  await ingestCarrierFile(db, { body: Buffer.from(JSON.stringify(events)), filename: 'ups.json', source: 'test', receivedAt: new Date('2026-11-20T15:00:00Z') })
  await sweep('2026-11-20T16:00:00Z')
  assert.deepEqual((await task()).map((t) => t.status), ['open'])
})
afterEach(() => db.close())

test('reship to another supplier: an 850 for a new PO line, the exception task closed; the line follows the replacement once it ships', async () => {
  const r = await actOnParcel(db, 'reship', request({ supplierId: 'BOLT' }))
  assert.equal(r.taskClosed, true)
  const [doc] = await db.query<{ kind: string; supplier_id: string; po_number: string; reason: string; x12: string }>(`SELECT kind, supplier_id, po_number, reason, x12 FROM purchasing_documents`)
  assert.deepEqual([doc.kind, doc.supplier_id, doc.po_number, doc.reason], ['850', 'BOLT', 'W6001-R1', 'reship'])
  assert.match(doc.x12, /PO1\*1\*1\*/)
  const [t] = await task()
  assert.equal(t.closed_by, 'system')
  assert.match(t.close_note!, /reship of 1 × TENT-2P-GRN from Bolt Distribution: PO W6001-R1/)
  await sweep('2026-11-26T16:00:00Z')
  assert.deepEqual((await task()).map((x) => x.status), ['done'], 'the sweep does not reopen it while the replacement is on its way')
  await assert.rejects(actOnParcel(db, 'refund', request()), /already reshipped/)
  await feed('BOLT', ['W6001-R1,1,TENT-2P-GRN,shipped,1,,UPS,1Z12345E0205271688'], '2026-11-27T12:00:00Z')
  await sweep('2026-11-27T13:00:00Z')
  const [line] = await db.query<{ state: string }>('SELECT state FROM order_lines')
  assert.equal(line.state, 'in_transit')
})

test('refund: a refund due for the units, 7 business days out; more than was paid is refused', async () => {
  await assert.rejects(actOnParcel(db, 'refund', request({ amount: 300 })), /300\.00 is more than the 1 unit\(s\) cost \(249\.00\)/)
  const r = await actOnParcel(db, 'refund', request())
  assert.deepEqual(r.refund && [r.refund.amount, r.refund.dueBy], [249, '2026-12-04'])
  const [row] = await db.query<{ reason: string; amount: number; qty: number }>('SELECT reason, amount, qty FROM refunds')
  assert.deepEqual(row, { reason: 'delivery_problem', amount: 249, qty: 1 })
  assert.equal((await task())[0].status, 'done')
})

test('a carrier claim is recorded with carrier, tracking number, reason and amount; refusals say why and change nothing', async () => {
  await assert.rejects(actOnParcel(db, 'claim', request({ amount: null })), /a claim needs the amount claimed/)
  await assert.rejects(actOnParcel(db, 'claim', request({ trackingNumber: '1ZNOPE', amount: 10 })), /parcel 1ZNOPE has no carrier exception/)
  assert.equal((await db.query('SELECT 1 FROM delivery_actions')).length, 0)
  await actOnParcel(db, 'claim', request({ amount: 249, reason: 'lost', note: 'claim #C-1' }))
  const [c] = await db.query<{ kind: string; carrier: string; tracking_number: string; reason: string; amount: number; status: string; note: string }>(
    'SELECT kind, carrier, tracking_number, reason, amount, status, note FROM delivery_actions',
  )
  assert.deepEqual(c, { kind: 'claim', carrier: 'UPS', tracking_number: LOST, reason: 'lost', amount: 249, status: 'open', note: 'claim #C-1' })
  await assert.rejects(actOnParcel(db, 'claim', request({ amount: 1 })), /already filed/)
  // A claim with the carrier still leaves the customer to be made whole: a reship is allowed after it.
  await actOnParcel(db, 'reship', request())
  const [doc] = await db.query<{ supplier_id: string }>('SELECT supplier_id FROM purchasing_documents')
  assert.equal(doc.supplier_id, 'ACME', 'the line\'s own supplier by default')
})
