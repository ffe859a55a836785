import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed, type SupplierFeedOutcome } from '../../src/feeds/ingest-file.ts'
import { getOrderStatus } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { interchange } from './build.ts'

const fixture = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/214-odfl-pro-status.edi'), 'utf8')
/** The fixture's transaction sets (the segments between ST and SE), to send them one day at a time. */
const SETS = [...fixture.matchAll(/ST\*214\*\d+~\n([\s\S]*?)SE\*/g)].map((m) => m[1].trim().split('~\n').map((s) => s.replace(/~$/, '')))
const carrierFile = (control: number, ...sets: string[][]) =>
  Buffer.from(interchange(sets.map((body) => ({ id: '214', body })), { sender: 'ODFL', functionalId: 'QM', control }))

let db: Db
beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  for (const [order, pro] of [['W7001', '07401234562'], ['W7002', '07401234570']]) {
    await seedOrder(db, { orderNumber: order, email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 2, supplierId: 'ACME' }] })
    await db.query(
      `INSERT INTO shipments (order_line_id, carrier, tracking_number, shipped_at, qty)
       SELECT ol.order_line_id, 'ODFL', $2, '2026-11-18T20:00:00Z', 2 FROM order_lines ol JOIN orders o USING (order_id) WHERE o.order_number = $1`,
      [order, pro],
    )
  }
})
afterEach(() => db.close())

const ingest = (body: Buffer, at: string, supplierId: string | null = null) =>
  ingestSupplierFeed(db, { body, filename: '214.edi', supplierId, source: 'test', receivedAt: new Date(at) })

async function line(order: string) {
  const d = await getOrderStatus(db, order, { now: new Date('2026-11-25T12:00:00Z'), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(d)
  const s = d.lines[0].status
  return { state: s.state, reason: s.reason, estimate: s.tracking[0]?.estimatedDelivery ?? null }
}

function applied(o: SupplierFeedOutcome): string[] {
  assert.equal(o.outcome, 'applied', o.outcome === 'quarantined' ? o.reason : '')
  return o.outcome === 'applied' ? o.summary : []
}

test('a carrier 214 moves the line in transit → out for delivery → delivered; the exception shows its reason', async () => {
  const day1 = applied(await ingest(carrierFile(1, SETS[0], SETS[1]), '2026-11-21T16:00:00Z'))
  assert.match(day1[0], /^X12 from a carrier \(ISA06 ODFL\), interchange 000000001: 2 × 214; 3 carrier events$/)
  assert.ok(day1.includes('07401234562: in_transit at 2026-11-20T11:45:00.000Z — 1 line'))
  assert.deepEqual(await line('W7001'), { state: 'in_transit', reason: null, estimate: '2026-11-24' })
  assert.deepEqual(await line('W7002'), { state: 'exception', reason: 'Shipment Delayed (SD): Weather or Natural Disaster Related (AO)', estimate: null })

  applied(await ingest(carrierFile(2, SETS[2]), '2026-11-24T12:30:00Z'))
  assert.equal((await line('W7001')).state, 'out_for_delivery')
  const o = await ingest(carrierFile(3, SETS[3]), '2026-11-24T19:00:00Z')
  applied(o)
  assert.equal((await line('W7001')).state, 'delivered')
  assert.match(o.acknowledgment ?? '', /AK1\*QM\*3~\nAK2\*214\*0001~\nAK5\*A~\nAK9\*A\*1\*1\*1~/)
  const [msg] = await db.query<{ kind: string; supplier_id: string | null; dedupe_key: string }>(
    'SELECT kind, supplier_id, dedupe_key FROM inbound_messages WHERE message_id = $1', [o.messageId])
  assert.deepEqual(msg, { kind: 'x12', supplier_id: null, dedupe_key: 'ODFL:000000003' })

  // The same interchange again is a replay; an older status arriving late does not undo the delivery.
  assert.equal((await ingest(carrierFile(3, SETS[3]), '2026-11-24T19:05:00Z')).outcome, 'duplicate')
  applied(await ingest(carrierFile(4, ['B10*07401234562*BOL88123*ODFL', 'LX*1', 'AT7*P1*NS***20261123*2200*CT', 'MS1*CHATTANOOGA*TN']), '2026-11-25T08:00:00Z'))
  assert.equal((await line('W7001')).state, 'delivered')
})

test('the whole sample at once ends delivered, and a known supplier may forward its carrier 214', async () => {
  const summary = applied(await ingest(Buffer.from(fixture), '2026-11-24T20:00:00Z', 'ACME'))
  assert.match(summary[0], /^X12 from ACME \(ISA06 ODFL\), interchange 000004127: 4 × 214; 5 carrier events$/)
  assert.equal((await line('W7001')).state, 'delivered')
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM carrier_events WHERE provider = 'x12'")
  assert.equal(n, 5)
})

test('an unknown sender is still refused (without a 997) as soon as its file holds supplier data', async () => {
  const ack855 = ['BAK*00*AC*PO-1*20261120', 'PO1*1*2*EA***BP*STOVE-1', 'ACK*IA*2*EA']
  const mixed = Buffer.from(interchange([{ id: '214', body: SETS[2] }, { id: '855', body: ack855 }], { sender: 'ODFL', functionalId: 'QM' }))
  // A supplier group whose ST cannot even be read (the public CorruptSt sample's fault) is supplier data too.
  const unreadable = Buffer.from(interchange([{ id: '855', body: ack855 }], { sender: 'ODFL' }).replace('ST*855', 'T*855'))
  for (const body of [mixed, Buffer.from(interchange([{ id: '850', body: ['BEG*00*SA*PO-1**20261120'] }], { sender: 'ODFL' })), unreadable]) {
    const o = await ingest(body, '2026-11-24T20:00:00Z')
    assert.equal(o.outcome, 'quarantined')
    assert.match(o.outcome === 'quarantined' ? o.reason : '', /^unknown sender ISA06 "ODFL" \(qualifier ZZ\): no supplier has this edi_id/)
    assert.equal(o.acknowledgment, null)
  }
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM carrier_events')
  assert.equal(n, 0, 'nothing of a refused file is applied')
})
