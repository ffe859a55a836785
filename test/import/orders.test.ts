import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import type { Db } from '../../src/store/db.ts'
import { counts, refused, run, seedCatalog, tempDir, writeCsv } from './helpers.ts'

const dir = tempDir()
const HEADER = 'order_number,placed_at,customer_name,customer_email,customer_phone,postal_code,line_no,sku,qty,supplier_id,po_number,po_line,promised_ship_date'

async function catalogDb(t: { after(fn: () => Promise<void>): void }): Promise<Db> {
  const db = await freshDb()
  t.after(() => db.close())
  await seedCatalog(db, dir)
  return db
}

const lines = (db: Db) =>
  db.query(`SELECT o.order_number, l.line_no, l.sku, l.qty, l.supplier_id, l.promised_ship_date, l.dirty
            FROM order_lines l JOIN orders o USING (order_id) ORDER BY 1, 2`)

test('orders import: customers, orders, lines and PO lines; re-import upserts', async (t) => {
  const db = await catalogDb(t)
  const file = writeCsv(dir, [
    HEADER,
    'W1,2024-05-01,Ann Lee,Ann@Example.com,,10001,1,A-1,2,S1,PO-1,1,2024-05-03',
    'W1,2024-05-01,Ann Lee,Ann@Example.com,,10001,2,A-3,1,S3,PO-1,2,2024-05-03',
    'W2,2024-05-02T09:30:00-04:00,Ann L.,ann@example.com,555-1,10001,1,A-2,1,,,,',
    'W3,2024-05-02T10:00:00Z,Bob,,,20002,1,A-4,3,S3,,,',
  ])
  const first = await run(db, 'orders', file)
  assert.deepEqual(first, { kind: 'orders', rows: 4, inserted: 3, updated: 0, orders: 3, lines: 4 })
  const again = await run(db, 'orders', file)
  assert.deepEqual(again, { kind: 'orders', rows: 4, inserted: 0, updated: 3, orders: 3, lines: 4 })

  const customers = await db.query('SELECT email, name, phone FROM customers ORDER BY customer_id')
  assert.deepEqual(customers, [
    { email: 'Ann@Example.com', name: 'Ann L.', phone: '555-1' }, // one customer per lower(email)
    { email: null, name: 'Bob', phone: null }, // postal code only: one customer, kept on re-import
  ])
  const orders = await db.query('SELECT order_number, placed_at, postal_code, promised_ship_date FROM orders ORDER BY 1')
  assert.deepEqual(orders, [
    { order_number: 'W1', placed_at: new Date('2024-05-01T00:00:00Z'), postal_code: '10001', promised_ship_date: '2024-05-03' },
    { order_number: 'W2', placed_at: new Date('2024-05-02T13:30:00Z'), postal_code: '10001', promised_ship_date: null },
    { order_number: 'W3', placed_at: new Date('2024-05-02T10:00:00Z'), postal_code: '20002', promised_ship_date: null },
  ])
  const po = await db.query(`SELECT po_number, po_line, supplier_id, sku, qty, active FROM po_lines ORDER BY 1, 2`)
  assert.deepEqual(po, [
    { po_number: 'PO-1', po_line: '1', supplier_id: 'S1', sku: 'A-1', qty: 2, active: true },
    { po_number: 'PO-1', po_line: '2', supplier_id: 'S3', sku: 'A-3', qty: 1, active: true },
    // po_number defaults to the order number, po_line to the line number
    { po_number: 'W2', po_line: '1', supplier_id: 'S2', sku: 'A-2', qty: 1, active: true },
    { po_number: 'W3', po_line: '1', supplier_id: 'S3', sku: 'A-4', qty: 3, active: true },
  ])
})

test('a blank supplier_id goes to the offer with most stock, then lowest cost, then id', async (t) => {
  const db = await catalogDb(t)
  // S1 and S2 both have 5; S2 is cheaper. A-3: only S3 offers it (stock unknown).
  await run(db, 'orders', writeCsv(dir, [HEADER, 'W1,2024-05-01,,a@b.example,,,1,A-1,1,,,,', 'W1,2024-05-01,,a@b.example,,,2,A-3,1,,,,']))
  assert.deepEqual((await lines(db)).map((l) => l.supplier_id), ['S2', 'S3'])
  await db.query("UPDATE offers SET available_qty = 9 WHERE supplier_id = 'S1' AND sku = 'A-1'")
  // A re-import keeps the supplier the line already went to rather than following the stock.
  await run(db, 'orders', writeCsv(dir, [HEADER, 'W1,2024-05-01,,a@b.example,,,1,A-1,1,,,,']))
  assert.equal((await lines(db))[0].supplier_id, 'S2')
  await run(db, 'orders', writeCsv(dir, [HEADER, 'W2,2024-05-01,,a@b.example,,,1,A-1,1,,,,']))
  assert.equal((await lines(db))[2].supplier_id, 'S1')
})

test('lines disagreeing on promised_ship_date keep their own dates', async (t) => {
  const db = await catalogDb(t)
  await run(db, 'orders', writeCsv(dir, [
    HEADER,
    'W1,2024-05-01,,a@b.example,,,1,A-1,1,S1,,,2024-05-03',
    'W1,2024-05-01,,a@b.example,,,2,A-3,1,S3,,,2024-05-08',
    'W1,2024-05-01,,a@b.example,,,3,A-4,1,S3,,,',
  ]))
  const [order] = await db.query('SELECT promised_ship_date FROM orders')
  assert.equal(order.promised_ship_date, null)
  assert.deepEqual((await lines(db)).map((l) => l.promised_ship_date), ['2024-05-03', '2024-05-08', null])
})

test('a line whose supplier changes on re-import gets a new PO line; the old one goes inactive', async (t) => {
  const db = await catalogDb(t)
  await run(db, 'orders', writeCsv(dir, [HEADER, 'W1,2024-05-01,,a@b.example,,,1,A-1,2,S1,,,']))
  await db.query('UPDATE order_lines SET dirty = false')
  const result = await run(db, 'orders', writeCsv(dir, [HEADER, 'W1,2024-05-01,,a@b.example,,,1,A-1,3,S2,,,']))
  assert.deepEqual(result, { kind: 'orders', rows: 1, inserted: 0, updated: 1, orders: 1, lines: 1 })
  const po = await db.query('SELECT po_number, po_line, supplier_id, qty, active FROM po_lines ORDER BY po_line_id')
  assert.deepEqual(po, [
    { po_number: 'W1', po_line: '1', supplier_id: 'S1', qty: 2, active: false },
    { po_number: 'W1', po_line: '1', supplier_id: 'S2', qty: 3, active: true },
  ])
  const [line] = await lines(db)
  assert.equal(line.supplier_id, 'S2')
  assert.equal(line.dirty, true, 'an imported line is marked for the next sweep')
})

test('every kind of bad order row is reported with its line, and nothing changes', async (t) => {
  const db = await catalogDb(t)
  await run(db, 'orders', writeCsv(dir, [HEADER, 'W0,2024-05-01,,z@b.example,,,1,A-1,1,S1,PX,1,']))
  const before = await counts(db)
  const details = await refused(db, 'orders', writeCsv(dir, [
    HEADER,
    'W1,2024-05-01,,a@b.example,,,1,A-1,2,S1,,,', // 2: fine
    'W1,2024-05-02,,x@b.example,,99,2,A-1,1,S1,,,', // 3: disagrees with line 2
    'W1,2024-05-01,,a@b.example,,,2,A-3,1,S3,,,', // 4: duplicate line_no
    'W2,yesterday,,a@b.example,,,1,NOPE,0,SX,,,2024-11-31', // 5: four problems
    'W3,2024-05-01,,,,,1,A-1,1,S1,,,', // 6: no email, no postal code
    'W4,2024-05-01,,a@b.example,,,1,A-4,1,,,,', // 7: nobody offers A-4
    'W5,2024-05-01,,a@b.example,,,one,,1.5,S1,,,', // 8: line_no, sku, qty
    'W6,2024-05-01T25:00:00Z,,a@b.example,,,1,A-1,-2,S1,,,', // 9: hour, negative qty
    'W7,2024-05-01,,a@b.example,,,1,A-1,1,S1,PX,1,', // 10: PO line of W0
  ]))
  assert.deepEqual(details, [
    'line 3: placed_at: differs from line 2 of order "W1"',
    'line 3: customer_email: differs from line 2 of order "W1"',
    'line 3: postal_code: differs from line 2 of order "W1"',
    'line 4: line_no: duplicate of line 3 (same order_number and line_no)',
    'line 5: placed_at: expected an ISO-8601 date or date-time, like 2024-05-01T14:30:00Z (got "yesterday")',
    'line 5: qty: expected a whole number ≥ 1 (got "0")',
    'line 5: promised_ship_date: expected a date YYYY-MM-DD (got "2024-11-31")',
    'line 5: sku: unknown SKU "NOPE"',
    'line 5: supplier_id: unknown supplier "SX"',
    'line 6: customer_email: required when postal_code is blank',
    'line 7: supplier_id: blank, and no supplier offers SKU "A-4"',
    'line 8: line_no: expected a whole number ≥ 1 (got "one")',
    'line 8: sku: required',
    'line 8: qty: expected a whole number ≥ 1 (got "1.5")',
    'line 9: placed_at: expected an ISO-8601 date or date-time, like 2024-05-01T14:30:00Z (got "2024-05-01T25:00:00Z")',
    'line 9: qty: expected a whole number ≥ 1 (got "-2")',
    'line 10: po_line: PO "PX" line "1" already belongs to order "W0" line 1',
  ])
  assert.deepEqual(await counts(db), before)
})

test('the header must name the required columns and one of customer_email / postal_code', async (t) => {
  const db = await catalogDb(t)
  const details = await refused(db, 'orders', writeCsv(dir, ['order_number,sku,qty,customer_name', 'W1,A-1,1,Ann']))
  assert.equal(details.length, 1)
  assert.match(details[0], /^line 1: header: missing required columns placed_at, line_no, customer_email or postal_code \(expected order_number,/)
})

test('an order file with only a header imports nothing', async (t) => {
  const db = await catalogDb(t)
  assert.deepEqual(await run(db, 'orders', writeCsv(dir, `${HEADER}\r\n`)), {
    kind: 'orders', rows: 0, inserted: 0, updated: 0, orders: 0, lines: 0,
  })
})

test('orders carry payment terms, tax and shipping (paid_at, seller_credit, line_tax, order_shipping); bad or disagreeing ones are refused', async (t) => {
  const db = await catalogDb(t)
  const head = `${HEADER},unit_price,line_tax,order_shipping,paid_at,seller_credit`
  await run(db, 'orders', writeCsv(dir, [head,
    'W1,2024-05-01T10:00:00Z,,a@b.example,,,1,A-1,2,S1,,,,10.00,1.60,4.95,2024-05-02T01:30:00Z,',
    'W1,2024-05-01T10:00:00Z,,a@b.example,,,2,A-3,1,S3,,,,,0.80,,,',
    'W2,2024-05-01T10:00:00Z,,a@b.example,,,1,A-2,1,S2,,,,,,,,YES',
  ]))
  const orders = await db.query(`SELECT order_number, paid_at, seller_credit, order_shipping::text FROM orders ORDER BY 1`)
  assert.deepEqual(orders, [
    { order_number: 'W1', paid_at: new Date('2024-05-02T01:30:00Z'), seller_credit: false, order_shipping: '4.95' },
    { order_number: 'W2', paid_at: null, seller_credit: true, order_shipping: null },
  ])
  const taxes = await db.query(`SELECT l.line_no, l.line_tax::text FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = 'W1' ORDER BY 1`)
  assert.deepEqual(taxes, [{ line_no: 1, line_tax: '1.60' }, { line_no: 2, line_tax: '0.80' }])
  const problems = await refused(db, 'orders', writeCsv(dir, [head,
    'W3,2024-05-01,,a@b.example,,,1,A-1,1,S1,,,,,-1,,,maybe',
    'W4,2024-05-01,,a@b.example,,,1,A-1,1,S1,,,,,,5.00,2024-05-01,',
    'W4,2024-05-01,,a@b.example,,,2,A-3,1,S3,,,,,,6.00,2024-05-02,',
  ]))
  assert.deepEqual(problems, [
    'line 2: line_tax: expected an amount ≥ 0 with at most 2 decimals, like 12.50 (got "-1")',
    'line 2: seller_credit: expected true or false (got "maybe")',
    'line 4: paid_at: differs from line 3 of order "W4"',
    'line 4: order_shipping: differs from line 3 of order "W4"',
  ])
})
