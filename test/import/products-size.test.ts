import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { refused, run, tempDir, writeCsv } from './helpers.ts'

const dir = tempDir()

test('products size_interchangeable: true/false stored, blank is false, an absent column keeps the stored value', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  await run(db, 'products', writeCsv(dir, [
    'sku,name,family,size,size_interchangeable',
    'BOOT-8,Boot 8,BOOT,8,false',
    'ROPE-30,Rope 30 m,ROPE,30 m,yes',
    'SHIRT-M,Shirt M,SHIRT,M,',
  ]))
  const read = () => db.query('SELECT sku, size_interchangeable FROM products ORDER BY sku')
  assert.deepEqual(await read(), [
    { sku: 'BOOT-8', size_interchangeable: false },
    { sku: 'ROPE-30', size_interchangeable: true },
    { sku: 'SHIRT-M', size_interchangeable: false },
  ])
  // A file without the column (the plain products format) changes nothing about it.
  const again = await run(db, 'products', writeCsv(dir, ['sku,name,price', 'ROPE-30,Rope 30 m,19.00']))
  assert.deepEqual(again, { kind: 'products', rows: 1, inserted: 0, updated: 1 })
  assert.deepEqual((await read())[1], { sku: 'ROPE-30', size_interchangeable: true })
})

test('a size_interchangeable that is not true or false is refused with its line', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  assert.deepEqual(await refused(db, 'products', writeCsv(dir, ['sku,name,size_interchangeable', 'P1,Pack,sometimes'])), [
    'line 2: size_interchangeable: expected true or false (got "sometimes")',
  ])
})
