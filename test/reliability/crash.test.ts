/**
 * Real processes stopped at the worst moment: `wismo` run as a child, killed with SIGKILL at a
 * chosen step (WISMO_CRASH_AT, src/util/crash-point.ts — the process kills itself there, as
 * `kill -9` would). Afterwards nothing is half-applied, and the next sweep (or a later copy)
 * finishes the message. On both databases.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDbEnv, serverUrl } from '../helpers/db.ts'
import { runWismo, withDb } from '../helpers/cli.ts'
import { seedCatalog } from '../helpers/seed.ts'

const NOW = '2026-11-20T14:00:00Z'
const LINES = 300

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-crash-'))
}

const count = async (db: Db, sql: string, values: unknown[] = []) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values))[0].n

/** One order of LINES lines on PO-BIG (lines 1..LINES), all swept already (not dirty). */
async function seedBigOrder(db: Db): Promise<void> {
  await seedCatalog(db)
  await db.query(`INSERT INTO customers (email, name) VALUES ('big@example.com', 'Big Buyer')`)
  await db.query(`INSERT INTO orders (order_number, placed_at, customer_id) SELECT 'W-BIG', '2026-11-16T10:00:00Z', customer_id FROM customers`)
  await db.query(
    `INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id, dirty) SELECT o.order_id, g, 'STOVE-1', 1, 'ACME', false FROM orders o, generate_series(1, $1) g`,
    [LINES],
  )
  await db.query(`INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty) SELECT order_line_id, 'ACME', 'PO-BIG', line_no::text, sku, qty FROM order_lines`)
}

function bigFeed(dir: string): string {
  const rows = Array.from({ length: LINES }, (_, i) => `PO-BIG,${i + 1},STOVE-1,backordered,1,2026-12-10,,`)
  const file = path.join(dir, 'big-feed.csv')
  fs.writeFileSync(file, ['po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number', ...rows].join('\n'))
  return file
}

test('kill -9 mid-ingest: nothing applied, shown as received; the next sweep finishes it once', async () => {
  const dir = tempDir()
  const env = { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_INBOX_DIR: path.join(dir, 'inbox') }
  await withDb(env, seedBigOrder)
  const feed = bigFeed(dir)
  const killed = await runWismo(['ingest', feed, '--supplier', 'ACME', '--now', NOW], { ...env, WISMO_CRASH_AT: 'inbound.apply' })
  assert.equal(killed.code, -1, 'killed by SIGKILL')
  await withDb(env, async (db) => {
    const [m] = await db.query<{ status: string; octets: number }>('SELECT status, octet_length(body)::int AS octets FROM inbound_messages')
    assert.deepEqual({ ...m }, { status: 'received', octets: fs.statSync(feed).size })
    assert.equal(await count(db, 'supplier_signals'), 0)
    assert.equal(await count(db, 'order_lines WHERE dirty'), 0)
  })
  const feeds = await runWismo(['feeds'], env)
  assert.match(feeds.stdout, /received: being applied, or left by a process that stopped \(the next sweep finishes it\)/)
  const sweep = await runWismo(['sweep', '--now', NOW], env)
  assert.equal(sweep.code, 0, sweep.stderr)
  assert.match(sweep.stdout, /unfinished messages: 1 applied, 0 quarantined, 0 left for the next sweep/)
  await withDb(env, async (db) => {
    const [m] = await db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM inbound_messages')
    assert.deepEqual({ ...m }, { status: 'applied', attempts: 2 })
    assert.equal(await count(db, 'supplier_signals'), LINES)
    assert.equal(await count(db, `order_lines WHERE state = 'backordered'`), LINES)
  })
  const again = await runWismo(['ingest', feed, '--supplier', 'ACME', '--now', NOW], env)
  assert.equal(again.code, 0)
  assert.match(again.stdout, /duplicate of message 1; nothing changed/)
  fs.rmSync(dir, { recursive: true, force: true })
})

function productsFile(dir: string, n: number): string {
  const file = path.join(dir, 'products.csv')
  fs.writeFileSync(file, ['sku,name,price', ...Array.from({ length: n }, (_, i) => `P-${i},Product ${i},${10 + (i % 50)}`)].join('\n'))
  return file
}

test('kill -9 while an import file is stored, then mid-import: whole or nothing; a later copy takes over', async () => {
  const dir = tempDir()
  const env = await freshDbEnv(path.join(dir, 'data'))
  const file = productsFile(dir, 2000)
  const storing = await runWismo(['import', 'products', file, '--now', NOW], { ...env, WISMO_CRASH_AT: 'inbound.store' })
  assert.equal(storing.code, -1)
  await withDb(env, async (db) => {
    assert.equal(await count(db, 'inbound_messages'), 0, 'no truncated row')
    assert.equal(await count(db, 'products'), 0)
  })
  const importing = await runWismo(['import', 'products', file, '--now', NOW], { ...env, WISMO_CRASH_AT: 'inbound.apply' })
  assert.equal(importing.code, -1)
  await withDb(env, async (db) => {
    const [m] = await db.query<{ status: string; octets: number; sha256: string }>('SELECT status, octet_length(body)::int AS octets, sha256 FROM inbound_messages')
    assert.equal(m.status, 'received')
    assert.equal(m.octets, fs.statSync(file).size)
    assert.equal(await count(db, 'products'), 0)
  })
  const later = await runWismo(['import', 'products', file, '--now', NOW], env)
  assert.equal(later.code, 0, later.stderr)
  assert.equal(later.stdout.trim(), 'imported 2000 products rows: 2000 new, 0 updated')
  await withDb(env, async (db) => {
    const rows = await db.query<{ message_id: number; status: string; supersedes: number | null }>('SELECT message_id, status, supersedes FROM inbound_messages ORDER BY message_id')
    assert.deepEqual(rows.map((r) => [r.status, r.supersedes]), [['superseded', null], ['applied', rows[0].message_id]])
    assert.equal(await count(db, 'products'), 2000)
  })
  const feeds = await runWismo(['feeds'], env)
  assert.match(feeds.stdout, new RegExp(`superseded by \\d+ \\(left unfinished by a process that stopped\\)`))
  fs.rmSync(dir, { recursive: true, force: true })
})

test('the same feed from three `wismo ingest` processes at once is applied once (PostgreSQL; PGlite admits one process)', async (t) => {
  if (!serverUrl) return t.skip('PGlite: one process owns the data folder')
  const dir = tempDir()
  const env = await freshDbEnv(path.join(dir, 'data'))
  await withDb(env, seedBigOrder)
  const feed = bigFeed(dir)
  const runs = await Promise.all([1, 2, 3].map(() => runWismo(['ingest', feed, '--supplier', 'ACME', '--now', NOW], env)))
  for (const r of runs) assert.equal(r.code, 0, r.stderr)
  assert.equal(runs.filter((r) => /: applied \(message \d+\)/.test(r.stdout)).length, 1)
  assert.equal(runs.filter((r) => /duplicate of message \d+; nothing changed/.test(r.stdout)).length, 2)
  await withDb(env, async (db) => assert.equal(await count(db, 'supplier_signals'), LINES))
  fs.rmSync(dir, { recursive: true, force: true })
})
