/** The 855 of issue 7 through the whole path: applied, the line's quantities, and the rep task for a loop that does not add up. */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { getOrderStatus } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { listOpenTasks } from '../../src/store/tasks.ts'
import { x12 } from './build.ts'

let db: Db
beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W7001', email: 'dana@example.com', placedAt: '2026-11-16T15:00:00Z', promisedShipDate: '2026-11-20',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 10, supplierId: 'ACME', poNumber: 'PO-W7001', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 10, supplierId: 'ACME', poNumber: 'PO-W7001', poLine: '2' },
    ],
  })
})
afterEach(() => db.close())

test('855 IA*6 + BP*4 on a line of 10: 6 accepted, 4 backordered with the date; a loop of 12 for 10 opens a rep task', async () => {
  const body = x12('855', [
    'BAK*00*AC*PO-W7001*20261116',
    'PO1*1*10*EA*1**BP*TENT-2P-GRN', 'ACK*IA*6*EA', 'ACK*BP*4*EA*068*20261215',
    'PO1*2*10*EA*1**BP*STOVE-1', 'ACK*IA*6*EA', 'ACK*BP*6*EA',
  ], { sender: 'ACMEEDI' })
  const o = await ingestSupplierFeed(db, { body: Buffer.from(body), filename: 'ack.edi', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-17T14:00:00Z') })
  assert.equal(o.outcome, 'applied', o.outcome === 'quarantined' ? o.reason : '')
  const status = await getOrderStatus(db, 'W7001', { now: new Date('2026-11-18T15:00:00Z'), calendar: await calendarFrom(db, { holidays: [] }) })
  assert.ok(status)
  const [tent, stove] = status.lines.map((l) => l.status)
  assert.deepEqual(tent.quantities, { processing: 6, backordered: 4 })
  assert.equal(tent.state, 'backordered')
  assert.equal(tent.expectedShipDate, '2026-12-15')
  assert.deepEqual(stove.quantities, { processing: 4, backordered: 6 })
  const tasks = await listOpenTasks(db)
  assert.deepEqual(tasks.map((t) => [t.kind, t.orderNumber, t.lineNo]), [['supplier_quantities', 'W7001', 2]])
  assert.match(tasks[0].detail ?? '', /PO line 2: the ACK quantities add up to 12 \(accepted 6 \+ backordered 6\), not the 10 ordered/)
  // The same file again is a replay: no second task.
  await ingestSupplierFeed(db, { body: Buffer.from(body), filename: 'ack.edi', supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-17T15:00:00Z') })
  assert.equal((await listOpenTasks(db)).length, 1)
})

test('a later 855 whose quantities add up closes the line\'s quantity task; one that still does not keeps it open', async () => {
  const ack = (control: number, stove: string[]) => Buffer.from(x12('855', [
    'BAK*00*AC*PO-W7001*20261116', 'PO1*1*10*EA*1**BP*TENT-2P-GRN', 'ACK*IA*10*EA', 'PO1*2*10*EA*1**BP*STOVE-1', ...stove,
  ], { sender: 'ACMEEDI', control }))
  const ingest = (body: Buffer, at: string) => ingestSupplierFeed(db, { body, filename: 'ack.edi', supplierId: 'ACME', source: 'test', receivedAt: new Date(at) })
  await ingest(ack(1, ['ACK*IA*6*EA', 'ACK*BP*6*EA']), '2026-11-17T14:00:00Z')
  assert.deepEqual((await listOpenTasks(db)).map((t) => [t.kind, t.lineNo]), [['supplier_quantities', 2]])
  await ingest(ack(2, ['ACK*IA*7*EA', 'ACK*BP*7*EA']), '2026-11-18T14:00:00Z')
  assert.deepEqual((await listOpenTasks(db)).map((t) => [t.kind, t.lineNo]), [['supplier_quantities', 2], ['supplier_quantities', 2]], 'still wrong: a task per message')
  await ingest(ack(3, ['ACK*IA*6*EA', 'ACK*BP*4*EA*068*20261215']), '2026-11-19T14:00:00Z')
  assert.deepEqual(await listOpenTasks(db), [], 'the supplier accounted for every unit')
  const [closed] = await db.query<{ detail: string; closed_at: Date }>(`SELECT detail, closed_at FROM tasks WHERE kind = 'supplier_quantities' ORDER BY task_id LIMIT 1`)
  assert.match(closed.detail, /closed: a later message from the supplier adds up/)
  assert.equal(closed.closed_at.toISOString(), '2026-11-19T14:00:00.000Z')
})
