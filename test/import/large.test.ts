import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { freshDb } from '../helpers/db.ts'
import { counts, refused, run, seedCatalog, tempDir } from './helpers.ts'

const dir = tempDir()
const ROWS = 50_000
const HEADER = 'order_number,placed_at,customer_name,customer_email,customer_phone,postal_code,line_no,sku,qty,supplier_id,po_number,po_line,promised_ship_date'

/** 50k order lines: 12,500 orders of 4 lines, 5,000 customers; written line by line. */
function writeOrders(file: string, badEvery = 0): void {
  const fd = fs.openSync(file, 'w')
  fs.writeSync(fd, `${HEADER}\n`)
  for (let i = 0; i < ROWS; i++) {
    const order = Math.floor(i / 4)
    const customer = order % 5000
    const sku = badEvery && i % badEvery === 0 ? 'NOPE' : `A-${(i % 3) + 1}`
    const supplier = i % 2 === 0 ? '' : 'S2'
    fs.writeSync(fd, `W${order},2024-05-01T10:00:00Z,"Customer ${customer}, Jr.",c${customer}@example.com,,1000${customer % 10},${(i % 4) + 1},${sku},${(i % 5) + 1},${supplier},,,\n`)
  }
  fs.closeSync(fd)
}

test('a 50,000-row orders file imports in one transaction', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  await seedCatalog(db, dir)
  await db.query("INSERT INTO offers (supplier_id, sku, available_qty) VALUES ('S2', 'A-3', 1)")
  const file = path.join(dir, 'orders-50k.csv')
  writeOrders(file)
  const result = await run(db, 'orders', file)
  assert.deepEqual(result, { kind: 'orders', rows: ROWS, inserted: ROWS / 4, updated: 0, orders: ROWS / 4, lines: ROWS })
  const c = await counts(db)
  assert.equal(c.customers, 5000)
  assert.equal(c.order_lines, ROWS)
  assert.equal(c.po_lines, ROWS)
})

test('a 50,000-row file with bad rows scattered through it changes nothing', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  await seedCatalog(db, dir)
  const file = path.join(dir, 'orders-50k-bad.csv')
  writeOrders(file, 97)
  const before = await counts(db)
  const details = await refused(db, 'orders', file)
  assert.equal(details.length, 201)
  assert.equal(details[0], 'line 2: sku: unknown SKU "NOPE"')
  assert.equal(details[1], 'line 99: sku: unknown SKU "NOPE"')
  assert.match(details[200], /^… and \d+ more$/)
  assert.deepEqual(await counts(db), before)
})
