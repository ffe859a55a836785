import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { backorder, NOW, seedAlternatives } from '../choices/fixture.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'

let db: Db
beforeEach(async () => {
  db = await freshDb()
  await seedAlternatives(db)
  await backorder(db)
})
afterEach(() => db.close())

const sweep = (at: string) => runSweep(db, { now: new Date(at), calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
const feed = (rows: string[], at: string) =>
  ingestSupplierFeed(db, {
    body: Buffer.from(['po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number', ...rows].join('\n')),
    filename: `f-${at}.csv`, supplierId: 'ACME', source: 'test', receivedAt: new Date(at),
  })
const tasks = () =>
  db.query<{ kind: string; status: string; closed_by: string | null; close_note: string | null }>(
    `SELECT t.kind, t.status, t.closed_by, t.close_note FROM tasks t JOIN order_lines l USING (order_line_id) WHERE l.line_no = 1 ORDER BY t.task_id`,
  )
const choose = (choice: 'wait' | 'cancel' | 'switch', sku?: string) =>
  recordChoice(db, { orderNumber: 'W100', lineNo: 1, choice, sku, decidedBy: 'customer', channel: 'link', acceptPrice: true, now: NOW })

test('the customer agreeing to wait closes the backorder task at once, with a note; the sweep does not reopen it', async () => {
  assert.deepEqual((await tasks()).map((t) => [t.kind, t.status]), [['backordered', 'open']])
  await choose('wait')
  const [t] = await tasks()
  assert.equal(t.status, 'done')
  assert.equal(t.closed_by, 'system')
  assert.match(t.close_note!, /the customer chose to wait \(link\)/)
  await sweep('2026-03-05T15:00:00Z')
  await sweep('2026-03-06T15:00:00Z')
  assert.deepEqual((await tasks()).map((t) => [t.kind, t.status]), [['backordered', 'done']], 'answered: no new backorder task')
  // A new backorder after a restock is a new question: a new task.
  await feed(['W100,1,TENT-2P-GRN,accepted,2,2026-03-20,,'], '2026-03-09T12:00:00Z')
  await sweep('2026-03-09T13:00:00Z')
  await feed(['W100,1,TENT-2P-GRN,backordered,2,2026-05-01,,'], '2026-03-10T12:00:00Z')
  await sweep('2026-03-10T13:00:00Z')
  assert.deepEqual((await tasks()).map((t) => [t.kind, t.status]), [['backordered', 'done'], ['backordered', 'open']])
})

test('a switch closes the line\'s tasks, saying to what it was switched', async () => {
  await choose('switch', 'TENT-2P-GRN')
  const [t] = await tasks()
  assert.equal(t.status, 'done')
  assert.equal(t.closed_by, 'system')
  assert.match(t.close_note!, /switched to TENT-2P-GRN \(BOLT/)
  await sweep('2026-03-05T15:00:00Z')
  assert.ok((await tasks()).every((x) => x.status === 'done'))
})

test('a cancellation closes the line\'s tasks', async () => {
  await choose('cancel')
  const [t] = await tasks()
  assert.equal(t.status, 'done')
  assert.match(t.close_note!, /the line was cancelled \(the customer's choice, link\)/)
})

test('a shipment closes the backorder task in the sweep, with a note that it shipped', async () => {
  await feed(['W100,1,TENT-2P-GRN,shipped,2,,UPS,1Z999AA10123456784'], '2026-03-05T12:00:00Z')
  await sweep('2026-03-05T13:00:00Z')
  const [t] = await tasks()
  assert.equal(t.status, 'done')
  assert.equal(t.closed_by, 'system')
  assert.match(t.close_note!, /the line shipped/)
})

test('tasks name the supplier by its name, not its id', async () => {
  const [t] = await db.query<{ detail: string }>(`SELECT detail FROM tasks WHERE kind = 'backordered'`)
  assert.match(t.detail, /supplier Acme Outdoor Supply/)
  assert.doesNotMatch(t.detail, /supplier ACME\b/)
})
