import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { ingestMessage, listFeeds } from '../../src/store/inbound.ts'
import { applyCarrierEvents, parseCarrierEvents } from '../../src/carriers/carrier-events.ts'

const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
const at = new Date('2026-11-20T14:00:00Z')
let db: Db

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W1001',
    email: 'dana@example.com',
    placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 5, supplierId: 'ACME', poNumber: 'PO-77', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-77', poLine: '2' },
    ],
  })
})
afterEach(() => db.close())

const feed = (rows: string[], supplierId: string | null = 'ACME', receivedAt = at) =>
  ingestSupplierFeed(db, { body: Buffer.from([HEADER, ...rows].join('\n')), filename: 'acme.csv', supplierId, source: 'test', receivedAt })

const count = async (table: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n

test('a feed is stored, matched by PO and line, and its lines marked for the sweep', async () => {
  await db.query('UPDATE order_lines SET dirty = false')
  const o = await feed(['PO-77,1,TENT-2P-GRN,backordered,2,2026-12-10,,', 'PO-77,2,,shipped,1,,,1Z999AA10123456784'])
  assert.equal(o.outcome, 'applied')
  const signals = await db.query<{ status: string; po_line_id: number | null; expected_ship_date: string }>(
    'SELECT status, po_line_id, expected_ship_date::text AS expected_ship_date FROM supplier_signals ORDER BY signal_id',
  )
  assert.deepEqual(signals.map((s) => [s.status, s.po_line_id !== null]), [['backordered', true], ['shipped', true]])
  assert.equal(signals[0].expected_ship_date, '2026-12-10')
  const [ship] = await db.query<{ carrier: string; qty: number }>('SELECT carrier, qty FROM shipments')
  assert.deepEqual({ ...ship }, { carrier: 'UPS', qty: 1 }) // carrier detected from the 1Z number
  assert.equal(await count('order_lines WHERE dirty'), 2)
})

test('the same file twice is a duplicate and changes nothing', async () => {
  const rows = ['PO-77,1,TENT-2P-GRN,backordered,2,2026-12-10,,']
  assert.equal((await feed(rows)).outcome, 'applied')
  const again = await feed(rows, 'ACME', new Date('2026-11-21T09:00:00Z'))
  assert.equal(again.outcome, 'duplicate')
  assert.equal(await count('supplier_signals'), 1)
  const feeds = await listFeeds(db)
  assert.deepEqual(feeds.map((f) => f.status), ['duplicate', 'applied'])
})

test('a bad file is quarantined whole with its reason, and kept', async () => {
  const o = await feed(['PO-77,1,TENT-2P-GRN,backordered,2,2026-12-10,,', 'PO-77,2,STOVE-1,teleported,1,,,'])
  assert.equal(o.outcome, 'quarantined')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /line 3: status: must be one of/)
  assert.equal(await count('supplier_signals'), 0)
  const [row] = await db.query<{ status: string; body: Buffer }>('SELECT status, body FROM inbound_messages')
  assert.equal(row.status, 'quarantined')
  assert.match(row.body.toString(), /teleported/)
})

test('an unknown supplier is quarantined, not applied', async () => {
  const o = await feed(['PO-77,1,TENT-2P-GRN,accepted,,,,'], 'NOPE')
  assert.equal(o.outcome, 'quarantined')
  assert.equal(await count('supplier_signals'), 0)
})

test('a signal for an unknown PO is kept unmatched, not dropped', async () => {
  const o = await feed(['PO-999,1,TENT-2P-GRN,backordered,1,,,'])
  assert.equal(o.outcome, 'applied')
  assert.match(o.outcome === 'applied' ? o.summary[0] : '', /matches no open PO line/)
  assert.equal(await count('supplier_signals WHERE po_line_id IS NULL'), 1)
})

test("a row without a PO line matches by the buyer's SKU, then the supplier's SKU", async () => {
  await feed(['PO-77,,STOVE-1,accepted,,,,', 'PO-77,,A-7781,backordered,5,,,'])
  const rows = await db.query<{ sku: string; line_no: number }>(
    `SELECT s.sku, l.line_no FROM supplier_signals s JOIN po_lines p USING (po_line_id)
       JOIN order_lines l ON l.order_line_id = p.order_line_id ORDER BY s.signal_id`,
  )
  assert.deepEqual(rows.map((r) => [r.sku, r.line_no]), [['STOVE-1', 2], ['A-7781', 1]])
})

test('without --supplier, rows match by PO number across suppliers', async () => {
  assert.equal((await feed(['PO-77,1,,accepted,,,,'], null)).outcome, 'applied')
  assert.equal(await count('supplier_signals WHERE po_line_id IS NOT NULL'), 1)
})

test('carrier events: stored once, replay ignored, lines marked', async () => {
  await feed(['PO-77,2,,shipped,1,,UPS,1Z999AA10123456784'])
  await db.query('UPDATE order_lines SET dirty = false')
  const body = Buffer.from(
    JSON.stringify([
      { tracking_number: '1Z999AA10123456784', carrier: 'UPS', status: 'in_transit', occurred_at: '2026-11-21T08:00:00Z', estimated_delivery: '2026-11-25' },
    ]),
  )
  const ingest = () =>
    ingestMessage(db, { kind: 'carrier_events', source: 'test', body, receivedAt: at }, (tx, id) =>
      applyCarrierEvents(tx, id, parseCarrierEvents(body.toString())),
    )
  assert.equal((await ingest()).outcome, 'applied')
  assert.equal(await count('order_lines WHERE dirty'), 1)
  assert.equal((await ingest()).outcome, 'duplicate')
  assert.equal(await count('carrier_events'), 1)
})

test('bad carrier events are refused with the event and field', () => {
  assert.throws(
    () => parseCarrierEvents(JSON.stringify([{ tracking_number: 'X', status: 'lost', occurred_at: 'yesterday' }])),
    (err: Error & { details?: string[] }) => {
      assert.deepEqual(err.details, [
        'event 1: status: must be one of pre_transit, in_transit, out_for_delivery, delivered, exception',
        'event 1: occurred_at: must be an ISO-8601 date-time',
      ])
      return true
    },
  )
  assert.throws(() => parseCarrierEvents('{"tracking_number":"1"}\nnot json\n'), (err: Error & { details?: string[] }) => {
    assert.deepEqual(err.details, ['line 2: not valid JSON'])
    return true
  })
})

test('the same event delivered twice at once is applied once; the other is a duplicate', async () => {
  await feed(['PO-77,2,,shipped,1,,UPS,1Z999AA10123456784'])
  const ingest = (n: number) => {
    const body = Buffer.from(JSON.stringify([{ tracking_number: '1Z999AA10123456784', status: 'delivered', occurred_at: '2026-11-22T10:00:00Z', note: n }]))
    return ingestMessage(db, { kind: 'carrier_events', source: 'test', body, receivedAt: at, dedupeKey: 'evt_1' }, (tx, id) =>
      applyCarrierEvents(tx, id, parseCarrierEvents(body.toString())),
    )
  }
  const outcomes = (await Promise.all([ingest(1), ingest(2)])).map((o) => o.outcome).sort()
  assert.deepEqual(outcomes, ['applied', 'duplicate'])
  assert.equal(await count("inbound_messages WHERE status = 'received'"), 0)
})
