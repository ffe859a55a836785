/**
 * 856 ship notices end to end (issue 15 items 20 and 21): cartons of one PO line under one
 * shipment-level number add up, a re-sent ASN for the same shipment replaces what it said, and
 * a line an ASN says shipped reads shipped whatever number (REF*2I, …) or none it gives.
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed, type SupplierFeedOutcome } from '../../src/feeds/ingest-file.ts'
import { getOrderStatus } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { x12 } from './build.ts'

let db: Db

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W6001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', promisedShipDate: '2026-11-25',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 80, supplierId: 'ACME', poNumber: 'PO-W6001', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 5, supplierId: 'ACME', poNumber: 'PO-W6001', poLine: '2' },
    ],
  })
})
afterEach(() => db.close())

const ingest = (body: Buffer, receivedAt: string) =>
  ingestSupplierFeed(db, { body, filename: 'asn.edi', supplierId: null, source: 'test', receivedAt: new Date(receivedAt) })

function applied(o: SupplierFeedOutcome): string[] {
  assert.equal(o.outcome, 'applied', o.outcome === 'quarantined' ? o.reason : '')
  return o.outcome === 'applied' ? o.summary : []
}

async function lines(now = '2026-11-23T15:00:00Z') {
  const d = await getOrderStatus(db, 'W6001', { now: new Date(now), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(d)
  return d.lines.map((l) => ({
    state: l.status.state, quantities: l.status.quantities, explanation: l.status.explanation,
    tracking: l.status.tracking.map((t) => `${t.carrier} ${t.number}`),
  }))
}

/** Two cartons of line 1 (24 + 36) and one of line 2, under the shipment's PRO number. */
const cartons = (bsn: string, first: number, second: number, control: number) =>
  x12('856', [
    `BSN*00*${bsn}*20261122*1200`, 'HL*1**S', 'TD5*B*2*ODFL*M', 'REF*CN*07209562763', 'DTM*011*20261122',
    'HL*2*1*O', 'PRF*PO-W6001',
    'HL*3*2*P', 'MAN*GM*00000715670002152360', 'HL*4*3*I', 'LIN*1*BP*TENT-2P-GRN', `SN1**${first}*EA`,
    'HL*5*2*P', 'MAN*GM*00000715670002152377', 'HL*6*5*I', 'LIN*1*BP*TENT-2P-GRN', `SN1**${second}*EA`,
    'HL*7*5*I', 'LIN*2*BP*STOVE-1', 'SN1**5*EA',
  ], { functionalId: 'SH', control })

test('cartons of one PO line under one shipment-level PRO number add up: 24 + 36 shipped reads as 60', async () => {
  applied(await ingest(cartons('SHIP-77', 24, 36, 201), '2026-11-22T16:00:00Z'))
  let state = await lines()
  assert.deepEqual(state[0].quantities, { in_transit: 60, processing: 20 })
  assert.deepEqual(state[0].tracking, ['Old Dominion 07209562763'])
  assert.deepEqual(state[1].quantities, { in_transit: 5 })

  // The same file again is a replay: nothing changes.
  assert.equal((await ingest(cartons('SHIP-77', 24, 36, 201), '2026-11-22T17:00:00Z')).outcome, 'duplicate')
  state = await lines()
  assert.deepEqual(state[0].quantities, { in_transit: 60, processing: 20 })

  // The same shipment (BSN02 SHIP-77) sent again, corrected: its word replaces the first, never adds to it.
  applied(await ingest(cartons('SHIP-77', 24, 30, 202), '2026-11-22T18:00:00Z'))
  state = await lines()
  assert.deepEqual(state[0].quantities, { in_transit: 54, processing: 26 })
  assert.deepEqual(state[1].quantities, { in_transit: 5 })

  // Another shipment (SHIP-78) under the same PRO number is more freight: it adds.
  applied(await ingest(cartons('SHIP-78', 6, 4, 203), '2026-11-23T09:00:00Z'))
  state = await lines()
  assert.deepEqual(state[0].quantities, { in_transit: 64, processing: 16 })
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM shipments')
  assert.equal(rows[0].n, 4, 'one row per line, shipment and number')
})

test('REF*2I alone ships the lines with that tracking number; the carrier is named, not its SCAC', async () => {
  applied(await ingest(x12('856', [
    'BSN*00*SHIP-90*20261122*1200', 'HL*1**S', 'TD5*B*2*PRLA*M', 'REF*BM*BOL-90', 'DTM*011*20261122',
    'HL*2*1*O', 'PRF*PO-W6001', 'REF*2I*JFV245892153',
    'HL*3*2*I', 'LIN*1*BP*TENT-2P-GRN', 'SN1**80*EA',
    'HL*4*2*I', 'LIN*2*BP*STOVE-1', 'SN1**5*EA',
  ], { functionalId: 'SH', control: 210 }), '2026-11-22T16:00:00Z'))
  const state = await lines()
  assert.deepEqual(state.map((l) => [l.state, l.quantities, l.tracking]), [
    ['in_transit', { in_transit: 80 }, ['Purolator JFV245892153']],
    ['in_transit', { in_transit: 5 }, ['Purolator JFV245892153']],
  ])
  assert.match(state[0].explanation, /with Purolator/)
  assert.doesNotMatch(state[0].explanation, /PRLA/)
})

test('an ASN with no tracking number at all still ships the lines (in transit, untracked)', async () => {
  const summary = applied(await ingest(x12('856', [
    'BSN*00*SHIP-91*20261122*1200', 'HL*1**S', 'TD5*B*2*NONE*M', 'REF*BM*BOL-91', 'DTM*011*20261122',
    'HL*2*1*O', 'PRF*PO-W6001',
    'HL*3*2*P', 'MAN*GM*00000715670002152360', 'HL*4*3*I', 'LIN*1*BP*TENT-2P-GRN', 'SN1**30*EA',
    'HL*5*2*I', 'LIN*2*BP*STOVE-1', 'SN1**5*EA',
  ], { functionalId: 'SH', control: 211 }), '2026-11-22T16:00:00Z'))
  assert.ok(summary.some((l) => /PO PO-W6001 line 1 \(TENT-2P-GRN\): shipped, qty 30/.test(l)), summary.join('\n'))
  const state = await lines()
  assert.deepEqual(state.map((l) => [l.state, l.quantities, l.tracking]), [
    ['processing', { in_transit: 30, processing: 50 }, []],
    ['in_transit', { in_transit: 5 }, []],
  ])
  assert.match(state[1].explanation, /shipped/)
  assert.doesNotMatch(state[1].explanation, /NONE/)
  // No parcel to follow: nothing for the carrier poller, no number invented from the SSCC label.
  const ships = await db.query<{ tracking_number: string | null; qty: number }>('SELECT tracking_number, qty FROM shipments ORDER BY qty')
  assert.deepEqual(ships.map((s) => [s.tracking_number, s.qty]), [[null, 5], [null, 30]])
})
