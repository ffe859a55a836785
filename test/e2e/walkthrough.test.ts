import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

// One hand-made order walked through supplier feeds and carrier events with the real CLI,
// checking state, ETA and explanation at each step (issue 2's "done when").
const fx = (name: string) => path.join(import.meta.dirname, '../fixtures/walkthrough', name)
let dir: string
let env: Record<string, string>

const wismo = (now: string, ...args: string[]) => runWismo([...args, '--now', now], env)
async function status(now: string) {
  const r = await wismo(now, 'status', 'W3001', '--json')
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout)
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-e2e-'))
  env = await freshDbEnv(path.join(dir, 'data'))
  for (const kind of ['suppliers', 'products', 'offers', 'orders']) {
    const r = await wismo('2026-11-02T16:00:00Z', 'import', kind, fx(`${kind}.csv`))
    assert.equal(r.code, 0, `${kind}: ${r.stderr}`)
  }
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('an order walks from processing to delivered through feeds and carrier events', async () => {
  let s = await status('2026-11-03T12:00:00Z')
  assert.equal(s.state, 'processing')
  assert.equal(s.lines[0].eta.source, 'promise')
  assert.ok(s.lines[0].eta.earliest > '2026-11-05')

  s = await status('2026-11-09T12:00:00Z')
  assert.equal(s.state, 'delayed', 'past the promised ship date with no word from the supplier')
  assert.match(s.lines[0].explanation, /\S/)

  let r = await wismo('2026-11-09T13:00:00Z', 'ingest', fx('feed-1-backordered.csv'), '--supplier', 'NORTHWIND')
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /applied/)
  s = await status('2026-11-09T14:00:00Z')
  assert.equal(s.state, 'backordered')
  assert.equal(s.lines[0].state, 'backordered')
  assert.deepEqual(s.lines[0].quantities, { backordered: 3 })
  assert.equal(s.lines[0].eta.source, 'supplier')
  assert.ok(s.lines[0].eta.earliest > '2026-11-20')
  assert.equal(s.lines[0].supplierId, 'NORTHWIND', 'the rep view names the supplier')
  assert.equal(s.lines[0].poNumber, 'PO-W3001')

  r = await wismo('2026-11-09T15:00:00Z', 'ingest', fx('feed-1-backordered.csv'), '--supplier', 'NORTHWIND')
  assert.equal(r.code, 0)
  assert.match(r.stdout, /duplicate/)

  await wismo('2026-11-18T13:00:00Z', 'ingest', fx('feed-2-restocked.csv'), '--supplier', 'NORTHWIND')
  s = await status('2026-11-18T14:00:00Z')
  assert.equal(s.lines[0].state, 'restocked')
  assert.equal(s.lines[1].state, 'in_transit')
  assert.equal(s.lines[1].tracking[0].carrier, 'UPS')
  assert.match(s.lines[1].tracking[0].url, /ups\.com.*1Z999AA10123456784/)

  await wismo('2026-11-20T13:00:00Z', 'ingest', fx('feed-3-shipped.csv'), '--supplier', 'NORTHWIND')
  r = await wismo('2026-11-21T08:00:00Z', 'ingest-carrier', fx('events-1.json'))
  assert.equal(r.code, 0, r.stderr)
  s = await status('2026-11-21T09:00:00Z')
  assert.equal(s.lines[0].state, 'restocked', 'the unshipped third arrives last')
  assert.deepEqual(s.lines[0].quantities, { in_transit: 2, restocked: 1 })
  assert.deepEqual(s.lines[1].eta, { earliest: '2026-11-23', latest: '2026-11-23', source: 'carrier' })

  r = await wismo('2026-11-24T09:00:00Z', 'ingest-carrier', fx('events-2.ndjson'))
  assert.equal(r.code, 0, r.stderr)
  s = await status('2026-11-24T09:30:00Z')
  assert.equal(s.lines[1].state, 'delivered')
  assert.deepEqual(s.lines[0].quantities, { out_for_delivery: 2, restocked: 1 })

  const human = await wismo('2026-11-24T09:30:00Z', 'status', 'W3001')
  assert.match(human.stdout, /NORTHWIND/)
  assert.match(human.stdout, /PO-W3001/)
})

test('a bad feed is quarantined with its lines named, and listed by wismo feeds', async () => {
  const r = await wismo('2026-11-10T10:00:00Z', 'ingest', fx('feed-bad.csv'), '--supplier', 'NORTHWIND')
  assert.equal(r.code, 1)
  assert.match(r.stderr, /quarantined/)
  assert.match(r.stderr, /line 2: qty/)
  assert.match(r.stderr, /line 3: status/)
  const feeds = await wismo('2026-11-10T10:00:00Z', 'feeds', '--json')
  const list = JSON.parse(feeds.stdout)
  assert.ok(list.some((f: { status: string; filename: string }) => f.status === 'quarantined' && f.filename === 'feed-bad.csv'))
})

test('a bad orders file is refused whole, naming every bad line', async () => {
  const r = await wismo('2026-11-10T10:00:00Z', 'import', 'orders', fx('orders-bad.csv'))
  assert.equal(r.code, 1)
  for (const want of [/line 2: qty/, /line 3: sku/, /line 4: placed_at/, /line 4: supplier_id/, /line 4: promised_ship_date/]) {
    assert.match(r.stderr, want)
  }
  const s = await wismo('2026-11-10T10:00:00Z', 'status', 'W4001')
  assert.equal(s.code, 1, 'nothing of the bad file was applied')
})

test('unknown orders exit 1; usage errors exit 2', async () => {
  const r = await wismo('2026-11-10T10:00:00Z', 'status', 'NOPE-1')
  assert.equal(r.code, 1)
  assert.match(r.stderr, /not found/)
  assert.equal((await runWismo(['frobnicate'], env)).code, 2)
  assert.equal((await runWismo(['status'], env)).code, 2)
  assert.equal((await runWismo(['status', 'W3001', '--now', 'tuesday'], env)).code, 2)
})

test('every import file is kept raw; a refused one is listed as quarantined with its reason', async () => {
  const feeds = JSON.parse((await wismo('2026-11-10T10:00:00Z', 'feeds', '--json')).stdout)
  const imports = feeds.filter((f: { kind: string }) => f.kind === 'import_csv')
  assert.ok(imports.some((f: { filename: string; status: string }) => f.filename === 'orders.csv' && f.status === 'applied'))
  const bad = imports.find((f: { filename: string }) => f.filename === 'orders-bad.csv')
  assert.equal(bad.status, 'quarantined')
  assert.match(bad.reason, /line 2: qty/)
})
