/**
 * Feed lines that match no open PO line of the sending supplier (issue 15 item 26): counted in
 * the feed's outcome and listed in one rep task per feed.
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { listFeeds } from '../../src/store/inbound.ts'
import { describeOutcome } from '../../src/cli/feeds.ts'

let db: Db

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W7001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: 'PO-7001', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-7001', poLine: '2' },
    ],
  })
  await seedOrder(db, {
    orderNumber: 'W7002', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'BOLT', poNumber: 'PO-7002', poLine: '1' }],
  })
  // Line 2 was re-sourced: wismo asked ACME to cancel it (860); ACME's late word about it has a task of its own.
  await db.query(`UPDATE po_lines SET active = false, cancel_requested_at = '2026-11-18T10:00:00Z' WHERE po_number = 'PO-7001' AND po_line = '2'`)
})
afterEach(() => db.close())

const FEED = Buffer.from(
  'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\n' +
    'PO-7001,1,TENT-2P-GRN,accepted,2,,,\n' +
    'PO-7001,9,TENT-2P-BLU,backordered,1,2026-12-10,,\n' + // no such line, nor SKU on the PO
    'PO-9999,1,STOVE-1,accepted,1,,,\n' + // no such PO
    'PO-7002,1,TENT-2P-GRN,accepted,1,,,\n' + // BOLT's PO line, not ACME's
    'PO-7001,2,STOVE-1,accepted,1,,,\n', // a PO line wismo cancelled
)

const ingest = (receivedAt: string) =>
  ingestSupplierFeed(db, { body: FEED, filename: 'status.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date(receivedAt) })

async function openTasks() {
  return db.query<{ kind: string; title: string; detail: string; supplier_id: string }>(
    `SELECT kind, title, detail, supplier_id FROM tasks WHERE status = 'open' ORDER BY task_id`)
}

test('lines matching no open PO line of the sender are counted in the outcome and listed in one rep task', async () => {
  const o = await ingest('2026-11-20T09:00:00Z')
  assert.equal(o.outcome, 'applied')
  assert.equal(o.outcome === 'applied' ? o.unmatched : null, 3)

  const [feed] = await listFeeds(db)
  assert.equal(feed.unmatched, 3)
  assert.equal(describeOutcome(feed), 'applied; 3 lines matched nothing (a rep task lists them)')

  const tasks = await openTasks()
  assert.deepEqual(tasks.map((t) => t.kind).sort(), ['cancelled_po_signal', 'unmatched_signal'])
  const task = tasks.find((t) => t.kind === 'unmatched_signal')!
  assert.equal(task.supplier_id, 'ACME')
  assert.match(task.title, /^Supplier ACME: 3 feed lines matched no open PO line \(message \d+, status\.csv\)$/)
  for (const line of ['PO PO-7001 line 9 (TENT-2P-BLU): backordered, qty 1, expected ship 2026-12-10 (line 3)',
    'PO PO-9999 line 1 (STOVE-1): accepted, qty 1 (line 4)', 'PO PO-7002 line 1 (TENT-2P-GRN): accepted, qty 1 (line 5)']) {
    assert.ok(task.detail.includes(line), `${line}\n— in —\n${task.detail}`)
  }
  assert.ok(!task.detail.includes('PO-7001 line 2'), 'the cancelled PO line has its own task')

  // A replay changes nothing: no second task.
  assert.equal((await ingest('2026-11-20T10:00:00Z')).outcome, 'duplicate')
  assert.equal((await openTasks()).filter((t) => t.kind === 'unmatched_signal').length, 1)
})

test('a feed whose lines all match says nothing more than applied, and opens no task', async () => {
  const o = await ingestSupplierFeed(db, {
    body: Buffer.from('po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-7001,1,TENT-2P-GRN,accepted,2,,,\n'),
    filename: 'ok.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-20T09:00:00Z'),
  })
  assert.equal(o.outcome === 'applied' ? o.unmatched : null, 0)
  const [feed] = await listFeeds(db)
  assert.equal(describeOutcome(feed), 'applied')
  assert.equal((await openTasks()).length, 0)
})
