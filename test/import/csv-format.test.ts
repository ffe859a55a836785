import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { DomainError } from '../../src/domain/errors.ts'
import { importCsv } from '../../src/store/import/import-csv.ts'
import { CsvSyntaxError, readCsvRecords } from '../../src/store/import/csv-reader.ts'
import { freshDb } from '../helpers/db.ts'
import { NOW, counts, refused, run, tempDir, writeCsv } from './helpers.ts'

const dir = tempDir()

test('a UTF-8 file with BOM and CRLF line ends, quoted commas, quotes and newlines', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const text = '\uFEFFsku,name,brand,price\r\n' +
    'P-1,"Lamp, arc ""brass""",Lumen,129.50\r\n' +
    '\r\n' + // blank lines are skipped
    'P-2,"Two\r\nline name",Lumen,1\r\n' +
    'P-3,Crème brûlée torch,,\r\n'
  const result = await run(db, 'products', writeCsv(dir, text))
  assert.deepEqual(result, { kind: 'products', rows: 3, inserted: 3, updated: 0 })
  const rows = await db.query('SELECT sku, name FROM products ORDER BY sku')
  assert.deepEqual(rows.map((r) => r.name), ['Lamp, arc "brass"', 'Two\r\nline name', 'Crème brûlée torch'])
})

test('line numbers count the lines of quoted fields and blank lines', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const text = 'sku,name,price\r\n' + // 1
    'P-1,"multi\r\nline\r\nname",1\r\n' + // 2-4
    '\r\n' + // 5
    'P-2,ok,-1\r\n' + // 6
    ',,\r\n' + // 7: an empty record, skipped
    'P-3,"x\ny",oops\n' // 8-9
  assert.deepEqual(await refused(db, 'products', writeCsv(dir, text)), [
    'line 6: price: expected an amount ≥ 0 with at most 2 decimals, like 12.50 (got "-1")',
    'line 8: price: expected an amount ≥ 0 with at most 2 decimals, like 12.50 (got "oops")',
  ])
})

test('wrong field counts and an unclosed quote are reported by line', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  assert.deepEqual(await refused(db, 'suppliers', writeCsv(dir, [
    'supplier_id,name,email',
    'S1,Acme',
    'S2,Bolt,,extra',
    'S3,"Coil,',
    'S4,Dyne,',
  ])), [
    'line 2: row has 2 fields, header has 3',
    'line 3: row has 4 fields, header has 3',
    'line 4: a quoted field starts here and is never closed',
  ])
  assert.equal((await counts(db)).suppliers, 0)
})

test('stray quotes are malformed CSV, reported where the record starts', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  assert.deepEqual(await refused(db, 'suppliers', writeCsv(dir, ['supplier_id,name', 'S1,Acme', 'S2,"Bolt"x', 'S3,Coil'])), [
    'line 3: malformed CSV: text after a closing quote (inside quotes, write a quote as "")',
  ])
  assert.deepEqual(await refused(db, 'products', writeCsv(dir, ['sku,name', 'P-1,"two\nlines"', 'P-2,12" pan'])), [
    'line 4: malformed CSV: a quote inside an unquoted field (quote the whole field and write the quote as "")',
  ])
})

test('missing header columns are named; repeated ones refused', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  assert.deepEqual(await refused(db, 'offers', writeCsv(dir, ['SKU,cost', 'A-1,1'])), [
    'line 1: header: missing required column supplier_id (expected supplier_id,sku,supplier_sku,cost,available_qty,restock_date,lead_time_days)',
  ])
  assert.deepEqual(await refused(db, 'products', writeCsv(dir, ['sku,name,name', 'A-1,x,y'])), [
    'line 1: header: column name appears more than once',
  ])
  assert.deepEqual(await refused(db, 'equivalents', writeCsv(dir, '')), [
    'line 1: header: missing required columns sku, equivalent_sku (expected sku,equivalent_sku)',
  ])
})

test('problems are capped at 200 lines, with a count of the rest', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const rows = Array.from({ length: 250 }, (_, i) => `P-${i},name,x`)
  const err = await run(db, 'products', writeCsv(dir, ['sku,name,price', ...rows])).catch((e: unknown) => e)
  assert.ok(err instanceof DomainError)
  assert.match(err.message, /: 250 bad rows$/)
  assert.equal(err.details.length, 201)
  assert.match(err.details[0], /^line 2: price: /)
  assert.match(err.details[199], /^line 201: price: /)
  assert.equal(err.details[200], '… and 50 more')
})

test('a missing file is IMPORT_FILE', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const file = path.join(dir, 'nope.csv')
  await assert.rejects(run(db, 'products', file), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.equal(err.code, 'IMPORT_FILE')
    assert.match(err.message, new RegExp(`^cannot read ${file.replace(/[.\\]/g, '\\$&')}: `))
    return true
  })
  await assert.rejects(run(db, 'products', dir), { code: 'IMPORT_FILE' })
})

test('progress reports bytes read up to the file size', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const rows = Array.from({ length: 5000 }, (_, i) => `P-${i},Product number ${i},9.99`)
  const file = writeCsv(dir, ['sku,name,price', ...rows])
  const size = fs.statSync(file).size
  const seen: Array<[number, number]> = []
  await importCsv(db, 'products', file, { now: NOW, onProgress: (read, total) => seen.push([read, total]) })
  assert.ok(seen.length > 1, 'reported as the stream advances')
  assert.ok(seen.every(([, total]) => total === size))
  assert.deepEqual(seen.at(-1), [size, size])
  assert.ok(seen.every(([read], i) => i === 0 || read >= seen[i - 1][0]))
})

test('the reader numbers records by their first physical line, whatever the chunking', async () => {
  const cell = fc.oneof(
    fc.constantFrom('a', 'b,c', 'x\ny', 'p\r\nq', '', 'q"q', '"', 'é', '\n'),
    fc.string({ maxLength: 4 }).map((s) => s.replace(/[\r\n",]/g, '')),
  )
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
  let n = 0
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(cell, cell, fc.boolean()), { minLength: 1, maxLength: 8 }),
    fc.constantFrom('\n', '\r\n'),
    fc.integer({ min: 1, max: 16 }),
    fc.boolean(),
    async (rows, eol, chunk, broken) => {
      let text = ''
      let line = 1
      const expected: number[] = []
      for (const [a, b, blankBefore] of rows) {
        if (blankBefore) { text += eol; line++ }
        const record = `${quote(a)},${quote(b)}`
        expected.push(line)
        text += record + eol
        line += (record.match(/\r\n|\n/g)?.length ?? 0) + 1
      }
      // A malformed record ends the reading: every record before it still comes, then the error.
      if (broken) text += `${eol}"x\ny"z,1${eol}a,b${eol}`
      const file = writeCsv(dir, text, `prop-${n++}.csv`)
      const got: Array<[number, string[]]> = []
      let failedAt = 0
      try {
        for await (const r of readCsvRecords(file, () => {}, { highWaterMark: chunk })) got.push([r.line, r.fields])
      } catch (err) {
        assert.ok(err instanceof CsvSyntaxError, String(err))
        failedAt = err.line
      }
      fs.unlinkSync(file)
      assert.deepEqual(got, rows.map(([a, b], i) => [expected[i], [a, b]]))
      assert.equal(failedAt, broken ? line + 1 : 0)
    },
  ), { numRuns: 300 })
})
