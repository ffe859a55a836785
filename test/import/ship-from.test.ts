import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import type { Db } from '../../src/store/db.ts'
import { counts, refused, run, seedCatalog, tempDir, writeCsv } from './helpers.ts'

// Truthful dates (DESIGN.md): suppliers' ship-from postal_code,country; orders' country and paid_at.
const dir = tempDir()
const ORDERS = 'order_number,placed_at,customer_email,postal_code,line_no,sku,qty,supplier_id'

async function catalogDb(t: { after(fn: () => Promise<void>): void }): Promise<Db> {
  const db = await freshDb()
  t.after(() => db.close())
  await seedCatalog(db, dir)
  return db
}

test('suppliers carry an optional ship-from postal code and country; a file without them keeps what is known', async (t) => {
  const db = await catalogDb(t)
  await run(db, 'suppliers', writeCsv(dir, [
    'supplier_id,name,postal_code,country',
    'S1,Acme,94107,us',
    'S2,Bolt,SW1A 1AA,GB',
    'S3,Coil,,',
  ]))
  const rows = () => db.query(`SELECT supplier_id, postal_code, country FROM suppliers ORDER BY 1`)
  assert.deepEqual(await rows(), [
    { supplier_id: 'S1', postal_code: '94107', country: 'US' },
    { supplier_id: 'S2', postal_code: 'SW1A 1AA', country: 'GB' },
    { supplier_id: 'S3', postal_code: null, country: null },
  ])
  await run(db, 'suppliers', writeCsv(dir, ['supplier_id,name', 'S1,Acme Outdoor']))
  assert.deepEqual((await rows())[0], { supplier_id: 'S1', postal_code: '94107', country: 'US' })
})

test('a supplier country that is no ISO code is refused with its line, and nothing of the file is applied', async (t) => {
  const db = await catalogDb(t)
  const before = await counts(db)
  const problems = await refused(db, 'suppliers', writeCsv(dir, [
    'supplier_id,name,postal_code,country',
    'S9,Nine,10001,US',
    'S10,Ten,10001,USA',
  ]))
  assert.deepEqual(problems, ['line 3: country: expected a 2-letter ISO country code such as US, GB or BR (got "USA")'])
  assert.deepEqual(await counts(db), before)
})

test('orders carry an optional country (blank: the store\'s) and paid_at (blank: placed_at)', async (t) => {
  const db = await catalogDb(t)
  await run(db, 'orders', writeCsv(dir, [
    `${ORDERS},country,paid_at`,
    'W1,2024-05-01T10:00:00Z,a@example.com,01310-100,1,A-1,1,S1,br,2024-05-01T12:00:00Z',
    'W2,2024-05-01T10:00:00Z,b@example.com,10001,1,A-1,1,S1,,',
  ]))
  assert.deepEqual(await db.query(`SELECT order_number, country, paid_at FROM orders ORDER BY 1`), [
    { order_number: 'W1', country: 'BR', paid_at: new Date('2024-05-01T12:00:00Z') },
    { order_number: 'W2', country: null, paid_at: null },
  ])
})

test('an order country that is no ISO code, or that differs between the lines of one order, is refused; nothing applied', async (t) => {
  const db = await catalogDb(t)
  const before = await counts(db)
  const problems = await refused(db, 'orders', writeCsv(dir, [
    `${ORDERS},country`,
    'W1,2024-05-01T10:00:00Z,a@example.com,10001,1,A-1,1,S1,US',
    'W1,2024-05-01T10:00:00Z,a@example.com,10001,2,A-1,1,S1,CA',
    'W2,2024-05-01T10:00:00Z,b@example.com,10001,1,A-1,1,S1,1X',
  ]))
  assert.deepEqual(problems, [
    'line 3: country: differs from line 2 of order "W1"',
    'line 4: country: expected a 2-letter ISO country code such as US, GB or BR (got "1X")',
  ])
  assert.deepEqual(await counts(db), before)
})
