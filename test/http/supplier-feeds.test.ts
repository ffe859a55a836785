import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { issueSupplierKey } from '../../src/store/supplier-keys.ts'
import { getOrderStatus } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { interchange } from '../x12/build.ts'

let db: Db
let app: FastifyInstance
let key: string
let boltKey: string
const edi = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-po-w5001.edi'))
const bad = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-bad-count.edi'))

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W5001', email: 'p@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '2' }],
  })
  key = await issueSupplierKey(db, 'ACME')
  boltKey = await issueSupplierKey(db, 'BOLT')
  app = await buildApp({ db, clock: new TestClock('2026-11-20T12:00:00Z'), config: { holidays: [], lookupRateLimit: 100 } })
})
after(async () => {
  await app.close()
  await db.close()
})

const post = (body: Buffer, auth?: string, supplier = 'ACME', filename = 'po.edi') =>
  app.inject({
    method: 'POST', url: `/api/suppliers/${supplier}/feeds?filename=${filename}`, payload: body,
    headers: { 'content-type': filename.endsWith('.csv') ? 'text/csv' : 'application/edi-x12', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
  })

async function lineState(order: string): Promise<string> {
  const d = await getOrderStatus(db, order, { now: new Date('2026-11-25T12:00:00Z'), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(d)
  return d.lines[0].status.state
}

test('without the supplier key nothing is stored', async () => {
  for (const res of [await post(edi), await post(edi, 'wsk_wrong'), await post(edi, key, 'BOLT')]) {
    assert.equal(res.statusCode, 401)
    assert.equal(res.json().error.code, 'AUTH_INVALID')
  }
  const [n] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_messages')
  assert.equal(n.n, 0)
})

test('a feed with the key is applied and answered with its 997; a replay is a duplicate', async () => {
  const res = await post(edi, key)
  assert.equal(res.statusCode, 200, res.body)
  const body = res.json()
  assert.equal(body.outcome, 'applied')
  assert.match(body.acknowledgment, /AK1\*PR\*101/)
  assert.ok(body.summary.some((s: string) => /PO-W5001 line 2.*backordered/.test(s)))
  // Only PO-W5001 line 2 is on file: the other six lines matched nothing, and the answer says so.
  assert.equal(body.unmatched, 6)
  const again = await post(edi, key)
  assert.equal(again.json().outcome, 'duplicate')
  const acks = await app.inject({ url: '/api/suppliers/ACME/acknowledgments', headers: { authorization: `Bearer ${key}` } })
  assert.equal(acks.statusCode, 200)
  assert.ok(acks.json().length >= 1)
})

test('a broken feed is a 422 with the reason, and kept', async () => {
  const res = await post(bad, key)
  assert.equal(res.statusCode, 422)
  assert.equal(res.json().outcome, 'quarantined')
  assert.match(res.json().reason, /segment #\d+/)
  const [row] = await db.query<{ status: string }>('SELECT status FROM inbound_messages WHERE message_id = $1', [res.json().messageId])
  assert.equal(row.status, 'quarantined')
})

test('the OpenAPI document describes the supplier routes', async () => {
  const spec = (await app.inject({ url: '/docs/json' })).json()
  assert.ok(spec.paths['/api/suppliers/{id}/feeds'].post)
  assert.ok(spec.paths['/api/suppliers/{id}/acknowledgments'].get)
})

test("a supplier key reaches only its own parcels: BOLT's 214 cannot mark ACME's shipment delivered", async () => {
  await seedOrder(db, { orderNumber: 'W5101', email: 'p@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-W5101' }] })
  const asn = interchange([{ id: '856', body: [
    'BSN*00*SHP-5101*20261121*1600', 'HL*1**S', 'TD5*B*2*ODFL*M', 'REF*CN*07409995101', 'HL*2*1*O', 'PRF*PO-W5101', 'HL*3*2*I', 'LIN*1*BP*STOVE-1', 'SN1**1*EA',
  ] }], { control: 5101 })
  assert.equal((await post(Buffer.from(asn), key)).json().outcome, 'applied')
  assert.equal(await lineState('W5101'), 'in_transit')

  // BOLT forwards a "carrier" 214 (an unknown sender id, so it is BOLT's) delivering ACME's number.
  const delivered = Buffer.from(interchange([{ id: '214', body: ['B10*07409995101*BOL5101*ODFL', 'LX*1', 'AT7*D1*NS***20261122*1000*ET'] }], { sender: 'ODFL', control: 5102 }))
  const res = await post(delivered, boltKey, 'BOLT')
  assert.equal(res.statusCode, 200, res.body)
  assert.ok(res.json().summary.includes("07409995101: not a shipment of BOLT; not applied (a supplier's 214 moves only its own shipments)"), res.body)
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM carrier_events WHERE tracking_number = '07409995101'")
  assert.equal(n, 0)
  assert.equal(await lineState('W5101'), 'in_transit', 'the customer is not told "delivered"')

  // ACME forwarding the same status for its own parcel is applied.
  assert.equal((await post(delivered, key)).json().outcome, 'applied')
  assert.equal(await lineState('W5101'), 'delivered')
})

test("a supplier key cannot move another supplier's lines by CSV or X12 naming its PO", async () => {
  await seedOrder(db, { orderNumber: 'W5102', email: 'p@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-W5102' }] })
  const csv = Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-W5102,1,STOVE-1,shipped,1,,UPSN,1Z999AA10123455102\n')
  const viaCsv = await post(csv, boltKey, 'BOLT', 'status.csv')
  assert.equal(viaCsv.json().outcome, 'applied', viaCsv.body)
  assert.match(viaCsv.json().summary.join('\n'), /matches no open PO line/)
  const ack = Buffer.from(interchange([{ id: '855', body: ['BAK*00*AC*PO-W5102*20261116', 'PO1*1*1*EA***BP*STOVE-1', 'ACK*IR*0*EA'] }], { sender: 'NOBODY', control: 5103 }))
  const viaX12 = await post(ack, boltKey, 'BOLT')
  assert.match(viaX12.json().summary[0], /X12 from BOLT \(ISA06 NOBODY\).*1 signal \(1 matching no open PO line\)/)
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM shipments WHERE tracking_number = '1Z999AA10123455102'")
  assert.equal(n, 0)
  assert.equal(await lineState('W5102'), 'delayed', 'its promise passed; nothing BOLT sent moved it (not shipped, not unavailable)')
})

test("another supplier's sender id is refused for this key, and is never a duplicate of that supplier's file", async () => {
  const before = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbound_messages WHERE supplier_id = 'ACME'")
  // ACME's 855 (applied above, ISA06 ACMEEDI, ISA13 101), posted with BOLT's key.
  const res = await post(edi, boltKey, 'BOLT')
  assert.equal(res.statusCode, 422, res.body)
  const body = res.json()
  assert.equal(body.outcome, 'quarantined')
  assert.match(body.reason, /^the supplier key of BOLT disagrees with the sender: ISA06 "ACMEEDI" \(qualifier ZZ\) is supplier ACME/)
  assert.equal(body.acknowledgment, null, "never ACME's 997")
  const [row] = await db.query<{ supplier_id: string; status: string }>('SELECT supplier_id, status FROM inbound_messages WHERE message_id = $1', [body.messageId])
  assert.deepEqual(row, { supplier_id: 'BOLT', status: 'quarantined' })
  const after = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM inbound_messages WHERE supplier_id = 'ACME'")
  assert.equal(after[0].n, before[0].n, 'not counted as word from ACME')
  // Different content under ACME's sender id and control number: refused the same way.
  const other = Buffer.from(edi.toString().replace('DTM*068*20261210', 'DTM*068*20261231'))
  assert.match((await post(other, boltKey, 'BOLT')).json().reason, /disagrees with the sender/)
})
