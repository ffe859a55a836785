import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { ALL, BY_SUPPLIER, LANES, playScenario } from './scenario.ts'

// The same hand-computed history as accuracy.test.ts, through the command line a person uses.
let dir: string
let env: Record<string, string>
let n = 0
const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
const NOW = '2026-11-30T17:00:00Z'
const file = (name: string, text: string) => {
  const p = path.join(dir, `${++n}-${name}`)
  fs.writeFileSync(p, text)
  return p
}
async function ok(...args: string[]) {
  const r = await runWismo(args, env)
  assert.equal(r.code, 0, `wismo ${args.join(' ')}: ${r.stderr}`)
  return r
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-accuracy-cli-'))
  env = { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_OUTBOX_DIR: path.join(dir, 'outbox') }
  await playScenario({
    importCsv: async (kind, text, at) => void (await ok('import', kind, file(`${kind}.csv`, text), '--now', at)),
    feed: async (supplier, rows, at) => void (await ok('ingest', file('feed.csv', [HEADER, ...rows].join('\n')), '--supplier', supplier, '--now', at)),
    carrier: async (events, at) => void (await ok('ingest-carrier', file('events.json', JSON.stringify(events)), '--now', at)),
    sweep: async (at) => void (await ok('sweep', '--now', at)),
  })
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('wismo accuracy --json: the exact shape, every figure as computed by hand; the default period is the 30 days to today', async () => {
  const r = await ok('accuracy', '--json', '--now', NOW)
  assert.deepEqual(JSON.parse(r.stdout), { from: '2026-11-01', to: '2026-11-30', milestones: ALL, by: [] })
  const narrow = JSON.parse((await ok('accuracy', '--from', '2026-11-01', '--to', '2026-11-09', '--json', '--now', NOW)).stdout)
  assert.deepEqual([narrow.from, narrow.to, narrow.milestones.ordered.lines], ['2026-11-01', '2026-11-09', 2])
})

test('--by supplier and --by lane: one entry per key, in key order', async () => {
  const bySupplier = JSON.parse((await ok('accuracy', '--by', 'supplier', '--json', '--now', NOW)).stdout)
  assert.deepEqual(bySupplier.by, BY_SUPPLIER)
  const byLane = JSON.parse((await ok('accuracy', '--by', 'lane', '--json', '--now', NOW)).stdout)
  assert.deepEqual(byLane.by.map((g: { key: string }) => g.key), LANES)
})

test('the text report names each milestone and its figures', async () => {
  const r = await ok('accuracy', '--by', 'supplier', '--now', NOW)
  assert.match(r.stdout, /lines delivered 2026-11-01 to 2026-11-30/)
  assert.match(r.stdout, /ordered\s+3\s+66\.7%\s+33\.3%\s+3 d\s+7 d\s+8 d/)
  assert.match(r.stdout, /supplier BOLT/)
})

test('bad input exits 1 naming the flag; a stray argument is a usage error (2)', async () => {
  const bad = await runWismo(['accuracy', '--from', '2026-02-30', '--now', NOW], env)
  assert.equal(bad.code, 1)
  assert.equal(bad.stderr.trim(), '--from: expected a date YYYY-MM-DD (got "2026-02-30")')
  const by = await runWismo(['accuracy', '--by', 'warehouse', '--now', NOW], env)
  assert.equal(by.code, 1)
  assert.match(by.stderr, /^--by: expected one of supplier, carrier, lane, source/)
  const backwards = await runWismo(['accuracy', '--from', '2026-11-20', '--to', '2026-11-01', '--now', NOW], env)
  assert.equal(backwards.code, 1)
  assert.match(backwards.stderr, /--from 2026-11-20 is after --to 2026-11-01/)
  const usage = await runWismo(['accuracy', 'extra', '--now', NOW], env)
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /usage: wismo accuracy/)
})
