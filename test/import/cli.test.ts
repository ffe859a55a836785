import { test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { fixedClock } from '../../src/clock.ts'
import { UsageError, type CliContext } from '../../src/cli/context.ts'
import { importCommand } from '../../src/cli/import.ts'
import type { Config } from '../../src/config.ts'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { NOW, counts, tempDir, writeCsv } from './helpers.ts'

const dir = tempDir()

function context(db: Db, isTTY = false) {
  const out: string[] = []
  const err: string[] = []
  const ctx: CliContext = {
    db: async () => db,
    clock: fixedClock(NOW),
    config: {} as Config,
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    isTTY,
  }
  return { ctx, out, err }
}

const args = (...positionals: string[]) => ({ positionals, flags: {} })

test('wismo import prints what it imported and exits 0', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const { ctx, out, err } = context(db, true)
  const file = writeCsv(dir, ['supplier_id,name', 'S1,Acme', 'S2,Bolt'])
  assert.equal(await importCommand(ctx, args('suppliers', file)), 0)
  assert.deepEqual(out, ['imported 2 suppliers rows: 2 new, 0 updated'])
  assert.deepEqual(err, [])
  writeCsv(dir, ['sku,name', 'A-1,Shoe'], 'p.csv')
  await importCommand(ctx, args('products', path.join(dir, 'p.csv')))
  const orders = writeCsv(dir, [
    'order_number,placed_at,postal_code,line_no,sku,qty,supplier_id',
    'W1,2024-05-01,10001,1,A-1,1,S1',
    'W1,2024-05-01,10001,2,A-1,2,S2',
    'W2,2024-05-01,10001,1,A-1,2,S2',
  ])
  assert.equal(await importCommand(ctx, args('orders', orders)), 0)
  assert.equal(out.at(-1), 'imported 3 orders rows: 2 orders (2 new, 0 updated), 3 lines')
})

test('wismo import of a bad file prints one line per problem and exits 1', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const { ctx, out, err } = context(db)
  const file = writeCsv(dir, ['supplier_id,name,lead_time_days', 'S1,,2', 'S2,Bolt,soon'])
  assert.equal(await importCommand(ctx, args('suppliers', file)), 1)
  assert.deepEqual(out, [])
  assert.deepEqual(err, [`${file}: line 2: name: required`, `${file}: line 3: lead_time_days: expected a whole number ≥ 0 (got "soon")`])
  assert.equal((await counts(db)).suppliers, 0)
  const missing = path.join(dir, 'missing.csv')
  assert.equal(await importCommand(ctx, args('suppliers', missing)), 1)
  assert.match(err.at(-1)!, new RegExp(`^cannot read ${missing.replace(/[.\\]/g, '\\$&')}: `))
})

test('wismo import with a wrong kind or no file is a usage error', async (t) => {
  const db = await freshDb()
  t.after(() => db.close())
  const { ctx } = context(db)
  for (const bad of [[], ['orders'], ['customers', 'x.csv'], ['orders', 'a.csv', 'b.csv']]) {
    await assert.rejects(importCommand(ctx, args(...bad)), (e: unknown) => {
      assert.ok(e instanceof UsageError)
      assert.equal(e.message, 'usage: wismo import suppliers|products|offers|equivalents|orders FILE.csv')
      return true
    })
  }
})
