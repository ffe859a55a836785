import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import type { NormalizedSignal } from '../../src/feeds/signal.ts'
import { applySignalsBatch } from '../../src/feeds/apply-signals-batch.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'

const at = new Date('2026-11-20T14:00:00Z')
const sig = (o: Partial<NormalizedSignal>): NormalizedSignal => ({
  poNumber: 'PO-77', poLine: null, sku: null, supplierSku: null, status: 'accepted', qty: null, expectedShipDate: null,
  carrier: null, trackingNumber: null, rawCode: 'test', location: 'test', ...o,
})

async function seeded(): Promise<Db> {
  const db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W1001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 5, supplierId: 'ACME', poNumber: 'PO-77', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 2, supplierId: 'ACME', poNumber: 'PO-77', poLine: '2' },
    ],
  })
  await db.query('UPDATE order_lines SET dirty = false')
  await db.query(`INSERT INTO inbound_messages (kind, source, sha256, body, received_at) VALUES ('x12', 'test', 'x', '\\x00', $1)`, [at])
  return db
}

async function state(db: Db) {
  const q = (sql: string) => db.query(sql)
  return {
    signals: await q(`SELECT supplier_id, po_line_id, po_number, po_line, sku, status, qty, expected_ship_date::text, carrier, tracking_number, source, raw_code
                        FROM supplier_signals ORDER BY signal_id`),
    shipments: await q('SELECT order_line_id, po_line_id, carrier, tracking_number, service, shipped_at, qty FROM shipments ORDER BY shipment_id'),
    dirty: await q('SELECT order_line_id FROM order_lines WHERE dirty ORDER BY 1'),
  }
}

test('signals are matched by PO line, buyer SKU or supplier SKU, recorded, and shipments created', async () => {
  const signals = [
    sig({ poLine: '1', status: 'backordered', qty: 2, expectedShipDate: '2026-12-10', sku: 'TENT-2P-GRN' }),
    sig({ sku: 'STOVE-1', status: 'accepted' }),
    sig({ supplierSku: 'A-7781', status: 'accepted', qty: 3 }),
    sig({ poNumber: 'PO-404', poLine: '1', status: 'rejected' }),
    sig({ poLine: '9', sku: 'NOT-ON-PO', status: 'accepted' }),
    sig({ poLine: '1', status: 'shipped', qty: 2, trackingNumber: '1Z999AA10123456784', service: 'Ground', shippedAt: new Date('2026-11-19T12:00:00Z') }),
    sig({ poLine: '1', status: 'shipped', trackingNumber: '1Z12345E0205271688', carrier: 'UPSN' }),
    sig({ poLine: '1', status: 'shipped', qty: 1, trackingNumber: '1Z999AA10123456784' }),
    sig({ poLine: '2', status: 'shipped', qty: 1 }),
  ]
  const db = await seeded()
  try {
    const summary = await applySignalsBatch(db, 1, 'ACME', signals, at)
    assert.deepEqual(summary, [
      'PO PO-77 line 1 (TENT-2P-GRN): backordered, qty 2, expected ship 2026-12-10',
      'PO PO-77 (STOVE-1): accepted',
      'PO PO-77: accepted, qty 3',
      'PO PO-404 line 1: rejected — matches no open PO line; kept for a rep',
      'PO PO-77 line 9 (NOT-ON-PO): accepted — matches no open PO line; kept for a rep',
      'PO PO-77 line 1: shipped, qty 2, tracking 1Z999AA10123456784',
      'PO PO-77 line 1: shipped, UPSN 1Z12345E0205271688',
      'PO PO-77 line 1: shipped, qty 1, tracking 1Z999AA10123456784',
      'PO PO-77 line 2: shipped, qty 1',
    ])
    const { signals: rows, shipments, dirty } = await state(db)
    const lines = (rows as { po_line_id: number | null; status: string; carrier: string | null }[]).map((r) => [r.po_line_id, r.status, r.carrier])
    assert.deepEqual(lines, [
      [1, 'backordered', null], [2, 'accepted', null], [1, 'accepted', null], [null, 'rejected', null], [null, 'accepted', null],
      [1, 'shipped', 'UPS'], [1, 'shipped', 'UPSN'], [1, 'shipped', 'UPS'], [2, 'shipped', null],
    ])
    // The same number twice in one message is two cartons of one parcel: 2 + 1 (issue 15 item 20).
    // A shipment without a number still ships (line 2, untracked). A parcel without a quantity
    // carries what is left of the line (5 − 3).
    assert.deepEqual((shipments as { qty: number; tracking_number: string | null }[]).map((s) => [s.tracking_number, s.qty]), [
      ['1Z999AA10123456784', 3],
      [null, 1],
      ['1Z12345E0205271688', 2],
    ])
    assert.equal(dirty.length, 2)
  } finally {
    await db.close()
  }
})

test('when nothing matches exactly: zero-padded PO lines match, and a PO-level signal covers every open line', async () => {
  const db = await seeded()
  try {
    const counts = { matched: 0, unmatched: 0 }
    const lines = await applySignalsBatch(db, 1, 'ACME', [sig({ poLine: '000002', status: 'accepted' }), sig({ status: 'cancelled' })], at, counts)
    assert.deepEqual(lines, ['PO PO-77 line 000002: accepted', 'PO PO-77 line 1: cancelled', 'PO PO-77 line 2: cancelled'])
    assert.deepEqual(counts, { matched: 3, unmatched: 0 })
    assert.equal((await db.query('SELECT 1 FROM supplier_signals WHERE po_line_id IS NOT NULL')).length, 3)
    assert.equal((await db.query('SELECT 1 FROM order_lines WHERE dirty')).length, 2)
  } finally {
    await db.close()
  }
})
