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

const fx = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12', name))
let db: Db

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await db.query(`INSERT INTO products (sku, name, price) VALUES
    ('LAMP-ARC', 'Arc Lamp', 40), ('JKT-ALP-RED-M', 'Alpine Jacket, red, M', 120), ('BOOT-TRL-42', 'Trail Boot 42', 95)`)
  await db.query(`INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty) VALUES
    ('ACME', 'LAMP-ARC', 'A-5120', 20, 8), ('ACME', 'JKT-ALP-RED-M', 'A-3301', 60, 3), ('ACME', 'BOOT-TRL-42', 'A-4402', 50, 1)`)
  await seedOrder(db, {
    orderNumber: 'W5001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', promisedShipDate: '2026-11-25',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '2' },
      { lineNo: 3, sku: 'LAMP-ARC', qty: 5, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '3' },
      { lineNo: 4, sku: 'JKT-ALP-RED-M', qty: 1, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '4' },
      { lineNo: 5, sku: 'BOOT-TRL-42', qty: 1, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '5' },
    ],
  })
})
afterEach(() => db.close())

const ingest = (body: Buffer, receivedAt: string, supplierId: string | null = null, filename = 'feed.edi') =>
  ingestSupplierFeed(db, { body, filename, supplierId, source: 'test', receivedAt: new Date(receivedAt) })

async function lines(now: string) {
  const d = await getOrderStatus(db, 'W5001', { now: new Date(now), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(d)
  return d.lines.map((l) => ({ state: l.status.state, quantities: l.status.quantities, expected: l.status.expectedShipDate }))
}

const count = async (sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0].n

function applied(o: SupplierFeedOutcome): string[] {
  assert.equal(o.outcome, 'applied', o.outcome === 'quarantined' ? o.reason : '')
  return o.outcome === 'applied' ? o.summary : []
}

test('an 855 moves each line as its ACK says, keeps unknown-PO lines, and stores a 997', async () => {
  const o = await ingest(fx('wismo/855-acme-po-w5001.edi'), '2026-11-20T09:30:00Z')
  const summary = applied(o)
  assert.match(summary[0], /^X12 from ACME \(ISA06 ACMEEDI\), interchange 000000101: 2 × 855; 7 signals \(1 matching no open PO line\)/)
  assert.ok(summary.some((l) => /PO PO-X9999 line 1 \(STOVE-1\): accepted, qty 1 — matches no open PO line; kept for a rep/.test(l)))
  assert.deepEqual(await lines('2026-11-20T15:00:00Z'), [
    { state: 'processing', quantities: { processing: 2 }, expected: null },
    { state: 'backordered', quantities: { backordered: 3 }, expected: '2026-12-10' },
    { state: 'backordered', quantities: { processing: 3, backordered: 2 }, expected: '2026-12-04' },
    { state: 'processing', quantities: { processing: 1 }, expected: '2026-11-30' },
    { state: 'unavailable', quantities: { unavailable: 1 }, expected: null },
  ])
  assert.equal(await count("supplier_signals WHERE po_line_id IS NULL AND po_number = 'PO-X9999'"), 1)
  const [ack] = await db.query<{ body: string; supplier_id: string; interchange_control: string; message_id: number }>('SELECT * FROM acknowledgments')
  assert.deepEqual([ack.supplier_id, ack.interchange_control, ack.message_id], ['ACME', '000000101', o.messageId])
  assert.equal(o.acknowledgment, ack.body)
  assert.match(ack.body, /^ISA\*00\*          \*00\*          \*ZZ\*WISMO          \*ZZ\*ACMEEDI        \*261120\*0930\*U\*00401\*\d{9}\*0\*P\*>~\n/)
  assert.match(ack.body, /\nAK1\*PR\*101~\nAK2\*855\*0001~\nAK5\*A~\nAK2\*855\*0002~\nAK5\*A~\nAK9\*A\*2\*2\*2~\nSE\*8\*0001~\n/)
})

test('a replay, even re-indented with CRLF, is a duplicate: nothing changes and the same 997 comes back', async () => {
  const first = await ingest(fx('wismo/855-acme-po-w5001.edi'), '2026-11-20T09:30:00Z')
  applied(first)
  const signals = await count('supplier_signals')
  const again = await ingest(fx('wismo/855-acme-po-w5001.edi'), '2026-11-21T09:30:00Z')
  assert.equal(again.outcome, 'duplicate')
  const pretty = Buffer.from(`\uFEFF${fx('wismo/855-acme-po-w5001.edi').toString().replace(/~\n(?!$)/g, '~\r\n    ')}`)
  const reindented = await ingest(pretty, '2026-11-22T09:30:00Z')
  assert.equal(reindented.outcome, 'duplicate', 'same sender and ISA13')
  assert.equal(reindented.acknowledgment, first.acknowledgment)
  assert.equal(await count('supplier_signals'), signals)
  assert.equal(await count('acknowledgments'), 1)
})

test('the same control number with new content is applied as new and says so; the same content is the replay', async () => {
  const first = await ingest(fx('wismo/855-acme-po-w5001.edi'), '2026-11-20T09:30:00Z')
  applied(first)
  // The supplier re-used ISA13 000000101 for a new acknowledgment: the stove now ships on the 18th.
  const reused = Buffer.from(fx('wismo/855-acme-po-w5001.edi').toString().replace('DTM*068*20261210', 'DTM*068*20261218'))
  const o = await ingest(reused, '2026-11-21T09:30:00Z')
  const summary = applied(o)
  assert.equal(summary[1], `interchange 000000101 reuses the control number of message ${first.messageId} with other content: applied as new`)
  assert.deepEqual((await lines('2026-11-21T15:00:00Z'))[1], { state: 'backordered', quantities: { backordered: 3 }, expected: '2026-12-18' })
  assert.notEqual(o.acknowledgment, first.acknowledgment, 'answered with its own 997, not the old one')
  assert.match(o.acknowledgment ?? '', /AK1\*PR\*101~\nAK2\*855\*0001~\nAK5\*A~/)
  const replay = await ingest(reused, '2026-11-21T09:35:00Z')
  assert.equal(replay.outcome, 'duplicate')
  assert.equal(replay.outcome === 'duplicate' ? replay.duplicateOf : 0, o.messageId)
  assert.equal(replay.acknowledgment, o.acknowledgment)
})

test('856 ships part of a line, 870 moves dates, 846 updates offers and marks their lines', async () => {
  applied(await ingest(fx('wismo/855-acme-po-w5001.edi'), '2026-11-20T09:30:00Z'))
  const asn = applied(await ingest(fx('wismo/856-acme-partial.edi'), '2026-11-22T16:00:00Z'))
  assert.match(asn[1], /PO PO-W5001 line 1 \(TENT-2P-GRN\): shipped, qty 2, UPSN 1Z999AA10123456784/)
  const ships = await db.query<{ tracking_number: string; qty: number; carrier: string; service: string; shipped_at: Date }>(
    'SELECT tracking_number, qty, carrier, service, shipped_at FROM shipments ORDER BY shipment_id')
  assert.deepEqual(ships.map((s) => [s.tracking_number, s.qty, s.carrier, s.service, s.shipped_at.toISOString().slice(0, 10)]), [
    ['1Z999AA10123456784', 2, 'UPSN', 'UPS GROUND', '2026-11-22'],
    ['1Z12345E0205271688', 3, 'UPSN', 'UPS GROUND', '2026-11-22'],
  ])
  let state = await lines('2026-11-23T12:00:00Z')
  assert.equal(state[0].state, 'in_transit')
  assert.deepEqual(state[2].quantities, { in_transit: 3, backordered: 2 }, 'partial shipment: the rest stays backordered')

  applied(await ingest(fx('wismo/870-acme-status.edi'), '2026-11-23T08:00:00Z'))
  state = await lines('2026-11-23T12:00:00Z')
  assert.deepEqual([state[1].state, state[1].expected], ['backordered', '2026-12-15'])
  assert.deepEqual([state[3].state, state[3].expected], ['processing', '2026-11-28'])

  await db.query('UPDATE order_lines SET dirty = false')
  const inv = applied(await ingest(fx('wismo/846-acme-inventory.edi'), '2026-11-23T06:00:00Z'))
  assert.match(inv.at(-1)!, /^846: 3 items: 2 offers found, 2 changed, 2 open lines to re-check; 1 unknown item \(BP NOPE-404 \/ VP X-404\)/)
  const offers = await db.query<{ sku: string; available_qty: number; restock_date: string | null }>(
    "SELECT sku, available_qty, restock_date FROM offers WHERE supplier_id = 'ACME' AND sku IN ('STOVE-1', 'TENT-2P-GRN') ORDER BY sku")
  assert.deepEqual(offers.map((r) => [r.sku, r.available_qty, r.restock_date]), [['STOVE-1', 0, '2026-12-12'], ['TENT-2P-GRN', 40, null]])
  const dirty = await db.query<{ sku: string }>('SELECT sku FROM order_lines WHERE dirty ORDER BY sku')
  assert.deepEqual(dirty.map((r) => r.sku), ['STOVE-1', 'TENT-2P-GRN'])
  // The same stock again changes nothing and marks nothing.
  await db.query('UPDATE order_lines SET dirty = false')
  const again = Buffer.from(fx('wismo/846-acme-inventory.edi').toString().replace(/000000104/g, '000000105'))
  assert.match(applied(await ingest(again, '2026-11-24T06:00:00Z')).at(-1)!, /2 offers found, 0 changed, 0 open lines/)
})

test('a broken interchange is quarantined whole, with a 997 naming the faulty transaction set', async () => {
  const o = await ingest(fx('wismo/855-acme-bad-count.edi'), '2026-11-20T10:00:00Z')
  assert.equal(o.outcome, 'quarantined')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /^segment #7 \(SE\): SE01 says 9, but transaction set 0001 has 5 segments/)
  assert.equal(await count('supplier_signals'), 0)
  assert.match(o.acknowledgment ?? '', /AK2\*855\*0001~\nAK5\*R\*4~\nAK9\*R\*1\*1\*0~/)
  assert.equal(await count('acknowledgments'), 1)
  const [row] = await db.query<{ status: string; supplier_id: string }>('SELECT status, supplier_id FROM inbound_messages')
  assert.deepEqual([row.status, row.supplier_id], ['quarantined', 'ACME'])
})

test('a NUL byte inside a PO number is quarantined with its place named, not thrown at the database (fuzz seed 21262477)', async () => {
  const body = Buffer.from(fx('wismo/856-acme-partial.edi').toString('latin1').replace('PRF*PO-W5001', 'PRF*PO-W\u00005001'), 'latin1')
  const o = await ingest(body, '2026-11-22T17:00:00Z')
  assert.equal(o.outcome, 'quarantined')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /\(PRF\): PRF01 contains the control character \\x00/)
  assert.match(o.acknowledgment ?? '', /AK3\*PRF\*8\*\*8~\nAK4\*1\*\*6~\nAK5\*R\*5~/, 'the 997 names the segment and the invalid character')
  assert.equal(await count('supplier_signals'), 0)
  const [row] = await db.query<{ status: string }>('SELECT status FROM inbound_messages')
  assert.equal(row.status, 'quarantined', 'kept, not left half-done')
})

test('the sender decides the supplier; --supplier is the fallback and must agree', async () => {
  const body = fx('wismo/855-acme-po-w5001.edi')
  let o = await ingest(body, '2026-11-20T09:30:00Z', 'BOLT')
  assert.equal(o.outcome, 'quarantined')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /--supplier BOLT disagrees with the sender: ISA06 "ACMEEDI" \(qualifier ZZ\) is supplier ACME/)
  assert.equal(o.acknowledgment, null, 'no 997 for a file whose sender was refused')

  const stranger = Buffer.from(body.toString().replace('ACMEEDI        ', 'STRANGER       '))
  o = await ingest(stranger, '2026-11-20T09:31:00Z')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /^unknown sender ISA06 "STRANGER" \(qualifier ZZ\): no supplier has this edi_id/)
  o = await ingest(stranger, '2026-11-20T09:32:00Z', 'ACME')
  applied(o)
  const [msg] = await db.query<{ supplier_id: string; dedupe_key: string }>("SELECT supplier_id, dedupe_key FROM inbound_messages WHERE status = 'applied'")
  assert.deepEqual([msg.supplier_id, msg.dedupe_key], ['ACME', 'STRANGER:000000101'])
})

test('public samples: an 850 is refused by name with a 997 rejecting it; NonEdi is refused without one', async () => {
  await db.query(`UPDATE suppliers SET edi_id = '4405197800' WHERE supplier_id = 'BOLT'`)
  const po = await ingest(fx('node-x12/850.edi'), '2026-11-20T09:30:00Z', null, '850.edi')
  assert.match(po.outcome === 'quarantined' ? po.reason : '', /transaction set 850 is not a supplier feed wismo reads/)
  assert.match(po.acknowledgment ?? '', /AK2\*850\*000000010~\nAK5\*R\*1~\nAK9\*R\*1\*1\*0~/)
  const junk = await ingest(fx('olmelabs-EdiEngine/NonEdi.edi'), '2026-11-20T09:31:00Z', 'ACME', 'NonEdi.edi')
  assert.match(junk.outcome === 'quarantined' ? junk.reason : '', /^not an X12 interchange/)
  assert.equal(junk.acknowledgment, null)
  // A public 855 whose sender is unknown, taken in for a supplier named on the command line.
  const simmons = await ingest(fx('oopfactory-x12parser/ORD/_855/855SSimmons.txt'), '2026-11-20T09:32:00Z', 'ACME')
  assert.match(applied(simmons)[0], /2 × 855; 3 signals \(3 matching no open PO line\)/)
})

test('an X12 file whose ISA tag is cut to "SA" is refused as X12 (not read as a CSV without columns)', async () => {
  const body = Buffer.from(fx('wismo/855-acme-po-w5001.edi').toString().replace(/^ISA/, 'SA'))
  const o = await ingest(body, '2026-11-20T09:30:00Z', 'ACME', 'acme.txt')
  assert.match(o.outcome === 'quarantined' ? o.reason : '', /^not an X12 interchange: the file must start with "ISA", it starts with "SA\*00\*/)
})

test('malformed public samples are quarantined with a clear reason and change nothing', async () => {
  const cases: [string, RegExp][] = [
    ['olmelabs-EdiEngine/ControlNumbersMismatch.edi', /SE02 0002 does not match ST02 0001.*GE02 3315 does not match GS06 3314.*IEA02 000003439 does not match ISA13 000003438/],
    ['olmelabs-EdiEngine/WrongGroupsAndTranCount.edi', /GE01 says 2 transaction sets, but group 3314 has 1.*IEA01 says 2 groups, but interchange 000003438 has 1/],
    ['olmelabs-EdiEngine/850.SyntaxNotes.ERR.edi', /segment #3 \(ST\): transaction set 850 is not a supplier feed wismo reads/],
    ['olmelabs-EdiEngine/NonEdi.edi', /^not an X12 interchange: the file must start with "ISA", it starts with "Tk9OIEVESSBG/],
  ]
  for (const [name, reason] of cases) {
    const o = await ingest(fx(name), '2026-11-20T09:30:00Z', 'ACME', path.basename(name))
    assert.equal(o.outcome, 'quarantined', name)
    assert.match(o.outcome === 'quarantined' ? o.reason : '', reason, name)
  }
  assert.equal(await count('supplier_signals'), 0)
  assert.equal(await count("inbound_messages WHERE status = 'quarantined'"), 4)
})
