import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { counts, refused, run, seedCatalog, tempDir, writeCsv } from './helpers.ts'

const dir = tempDir()

test('suppliers import, then re-import upserts by supplier_id', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const first = await run(db, 'suppliers', writeCsv(dir, [
    'supplier_id,name,email,phone,edi_id,lead_time_days',
    'S1,Acme,orders@acme.example,+1-555-0100,ACME01,2',
    'S2,Bolt,,,,',
  ]))
  assert.deepEqual(first, { kind: 'suppliers', rows: 2, inserted: 2, updated: 0 })
  const again = await run(db, 'suppliers', writeCsv(dir, [
    'name,supplier_id,lead_time_days,extra',
    'Acme Corp,S1,4,ignored',
    'Coil,S3,,',
  ]))
  assert.deepEqual(again, { kind: 'suppliers', rows: 2, inserted: 1, updated: 1 })
  const rows = await db.query('SELECT supplier_id, name, email, edi_id, lead_time_days FROM suppliers ORDER BY supplier_id')
  assert.deepEqual(rows, [
    // email and edi_id were not in the second file: kept, not erased
    { supplier_id: 'S1', name: 'Acme Corp', email: 'orders@acme.example', edi_id: 'ACME01', lead_time_days: 4 },
    { supplier_id: 'S2', name: 'Bolt', email: null, edi_id: null, lead_time_days: 3 },
    { supplier_id: 'S3', name: 'Coil', email: null, edi_id: null, lead_time_days: 3 },
  ])
})

test('bad supplier rows are all reported and nothing is written', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  await run(db, 'suppliers', writeCsv(dir, ['supplier_id,name,edi_id', 'S9,Old,EDI9']))
  const before = await counts(db)
  const details = await refused(db, 'suppliers', writeCsv(dir, [
    'supplier_id,name,email,edi_id,lead_time_days',
    'S1,Acme,not-an-email,,2',
    'S2,,,,-1',
    'S1,Acme again,,,',
    'S3,Coil,,EDI9,x',
    'S4,Dyne,,,',
  ]))
  assert.deepEqual(details, [
    'line 2: email: not an email address (got "not-an-email")',
    'line 3: name: required',
    'line 3: lead_time_days: expected a whole number ≥ 0 (got "-1")',
    'line 4: supplier_id: duplicate of line 2',
    'line 5: lead_time_days: expected a whole number ≥ 0 (got "x")',
    'line 5: edi_id: already used by supplier "S9"',
  ])
  assert.deepEqual(await counts(db), before)
})

test('products import with prices, re-import updates', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const file = writeCsv(dir, [
    'sku,name,brand,family,color,size,price',
    'P-1,Shell jacket,Alpine,JKT,red,M,189.00',
    'P-2,Lamp,,,,,',
  ])
  assert.deepEqual(await run(db, 'products', file), { kind: 'products', rows: 2, inserted: 2, updated: 0 })
  assert.deepEqual(await run(db, 'products', file), { kind: 'products', rows: 2, inserted: 0, updated: 2 })
  const rows = await db.query('SELECT sku, price, color FROM products ORDER BY sku')
  assert.deepEqual(rows, [{ sku: 'P-1', price: 189, color: 'red' }, { sku: 'P-2', price: null, color: null }])
})

test('bad product rows: price, duplicate SKU, missing name', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const details = await refused(db, 'products', writeCsv(dir, [
    'sku,name,price',
    'P-1,Jacket,-5',
    'P-2,Lamp,12.345',
    'P-1,Jacket,10',
    'P-3,,abc',
  ]))
  assert.deepEqual(details, [
    'line 2: price: expected an amount ≥ 0 with at most 2 decimals, like 12.50 (got "-5")',
    'line 3: price: expected an amount ≥ 0 with at most 2 decimals, like 12.50 (got "12.345")',
    'line 4: sku: duplicate of line 2',
    'line 5: name: required',
    'line 5: price: expected an amount ≥ 0 with at most 2 decimals, like 12.50 (got "abc")',
  ])
  assert.equal((await counts(db)).products, 0)
})

test('offers need a known supplier and SKU; re-import updates stock', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  await seedCatalog(db, dir)
  const result = await run(db, 'offers', writeCsv(dir, [
    'supplier_id,sku,available_qty,restock_date',
    'S1,A-1,0,2024-06-15',
    'S3,A-4,12,',
  ]))
  assert.deepEqual(result, { kind: 'offers', rows: 2, inserted: 1, updated: 1 })
  const [offer] = await db.query("SELECT available_qty, restock_date, cost, supplier_sku FROM offers WHERE supplier_id = 'S1' AND sku = 'A-1'")
  // cost and supplier_sku were not columns of this file, so the seeded values stay
  assert.deepEqual(offer, { available_qty: 0, restock_date: '2024-06-15', cost: 40, supplier_sku: 'AC-1' })

  const before = await counts(db)
  const details = await refused(db, 'offers', writeCsv(dir, [
    'supplier_id,sku,cost,available_qty,restock_date',
    'S1,NOPE,1,1,',
    'SX,A-1,1,-3,2024-02-30',
    'S1,A-2,1.5,1,',
    'S1,A-2,1.5,2,',
  ]))
  assert.deepEqual(details, [
    'line 2: sku: unknown SKU "NOPE"',
    'line 3: available_qty: expected a whole number ≥ 0 (got "-3")',
    'line 3: restock_date: expected a date YYYY-MM-DD (got "2024-02-30")',
    'line 3: supplier_id: unknown supplier "SX"',
    'line 5: sku: duplicate of line 4 (same supplier_id and sku)',
  ])
  assert.deepEqual(await counts(db), before)
})

test('equivalents are stored both ways; pairs already known count as updated', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  await seedCatalog(db, dir)
  const first = await run(db, 'equivalents', writeCsv(dir, ['sku,equivalent_sku', 'A-1,A-3']))
  assert.deepEqual(first, { kind: 'equivalents', rows: 1, inserted: 1, updated: 0 })
  const second = await run(db, 'equivalents', writeCsv(dir, ['equivalent_sku,sku', 'A-1,A-3', 'A-2,A-3']))
  assert.deepEqual(second, { kind: 'equivalents', rows: 2, inserted: 1, updated: 1 })
  const rows = await db.query('SELECT sku, equivalent_sku FROM equivalents ORDER BY 1, 2')
  assert.deepEqual(rows, [
    { sku: 'A-1', equivalent_sku: 'A-3' },
    { sku: 'A-2', equivalent_sku: 'A-3' },
    { sku: 'A-3', equivalent_sku: 'A-1' },
    { sku: 'A-3', equivalent_sku: 'A-2' },
  ])
})

test('bad equivalents: itself, unknown, duplicate either way round', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  await seedCatalog(db, dir)
  const details = await refused(db, 'equivalents', writeCsv(dir, [
    'sku,equivalent_sku',
    'A-1,A-1',
    'A-1,ZZ',
    'A-2,A-3',
    'A-3,A-2',
    ',A-2',
  ]))
  assert.deepEqual(details, [
    'line 2: equivalent_sku: same as sku (a SKU cannot be its own equivalent)',
    'line 3: equivalent_sku: unknown SKU "ZZ"',
    'line 5: equivalent_sku: duplicate of line 4 (the same pair, either way round)',
    'line 6: sku: required',
  ])
  assert.equal((await counts(db)).equivalents, 0)
})
