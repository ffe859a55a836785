import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { freshDb } from '../helpers/db.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { NOW, backorder, seedAlternatives } from './fixture.ts'

const X846 = `ISA*00*          *00*          *ZZ*ACMEEDI        *ZZ*WISMO          *260304*0600*U*00401*000000104*0*P*>~
GS*IB*ACMEEDI*WISMO*20260304*0600*104*X*004010~
ST*846*0001~
BIA*00*MM*INV-20260304*20260304~
LIN**BP*TENT-2P-BLU*VP*A-7782~
QTY*33*0*EA~
CTT*1~
SE*6*0001~
GE*1*104~
IEA*1*000000104~
`

test('an 846 that empties an alternative makes stale the views offering it, and only those', async () => {
  const db = await freshDb()
  const app = await buildApp({ db, clock: new TestClock(NOW), config: { holidays: [], lookupRateLimit: 100 } })
  try {
    await seedAlternatives(db)
    // W200: the stove only, nothing to do with tents.
    await db.query(`INSERT INTO orders (order_number, placed_at, customer_id, postal_code) SELECT 'W200', placed_at, customer_id, postal_code FROM orders WHERE order_number = 'W100'`)
    await db.query(`INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id) SELECT order_id, 1, 'STOVE-1', 1, 'ACME' FROM orders WHERE order_number = 'W200'`)
    await backorder(db)
    const get = (n: string) => app.inject({ url: `/api/orders/${n}/status?email=dana@example.com` })
    assert.deepEqual((await get('W100')).json().lines[0].alternatives.map((a: { sku: string }) => a.sku), ['TENT-2P-GRN', 'RIDGE-2P-GRN', 'TENT-2P-BLU'])
    await get('W200')
    const versions = async () => Object.fromEntries((await db.query<{ order_number: string; version: number }>('SELECT order_number, version FROM orders')).map((r) => [r.order_number, r.version]))
    const before = await versions()
    const r = await ingestSupplierFeed(db, { body: Buffer.from(X846), filename: 'inv.edi', supplierId: 'ACME', source: 'cli', receivedAt: new Date('2026-03-04T12:00:00Z') })
    assert.equal(r.outcome, 'applied', JSON.stringify(r))
    const after = await versions()
    assert.ok(after.W100 > before.W100, 'W100 offered TENT-2P-BLU')
    assert.equal(after.W200, before.W200, 'W200 is untouched')
    assert.deepEqual((await get('W100')).json().lines[0].alternatives.map((a: { sku: string }) => a.sku), ['TENT-2P-GRN', 'RIDGE-2P-GRN'])
  } finally {
    await app.close()
    await db.close()
  }
})
