import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { listOpenTasks } from '../../src/store/tasks.ts'

let db: Db
const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
const sweep = (now: string) => runSweep(db, { now: new Date(now), calendar: DEFAULT_CALENDAR, delayGraceDays: 1, batchSize: 2 })
const feed = (rows: string[], at: string) =>
  ingestSupplierFeed(db, { body: Buffer.from([HEADER, ...rows].join('\n')), filename: 'f.csv', supplierId: 'ACME', source: 'test', receivedAt: new Date(at) })
const history = async () =>
  (await db.query<{ line_no: number; state: string; cause: string }>(
    `SELECT l.line_no, h.state, h.cause FROM line_state_history h JOIN order_lines l USING (order_line_id) ORDER BY h.history_id`,
  )).map((r) => `${r.line_no}:${r.state}`)

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W1', email: 'a@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' },
      { lineNo: 3, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' },
    ],
  })
})
afterEach(() => db.close())

test('the first sweep records every new line; a second one with nothing new examines nothing', async () => {
  const first = await sweep('2026-11-03T12:00:00Z')
  assert.equal(first.examined, 3)
  assert.deepEqual(first.changes, { processing: 3 })
  assert.deepEqual(await history(), ['1:processing', '2:processing', '3:processing'])
  const again = await sweep('2026-11-03T13:00:00Z')
  assert.equal(again.examined, 0, 'the cost follows what changed')
})

test('a backorder becomes a state change with its cause and a rep task; restock closes the task', async () => {
  await sweep('2026-11-03T12:00:00Z')
  await feed(['W1,1,,backordered,2,2026-11-20,,'], '2026-11-04T09:00:00Z')
  const r = await sweep('2026-11-04T10:00:00Z')
  assert.equal(r.examined, 1)
  assert.deepEqual(r.changes, { backordered: 1 })
  assert.equal(r.tasksOpened, 1)
  const [h] = await db.query<{ cause: string; eta_source: string }>(
    `SELECT cause, eta_source FROM line_state_history WHERE state = 'backordered'`,
  )
  assert.match(h.cause, /supplier: backordered \(ship 2026-11-20\)/)
  assert.equal(h.eta_source, 'supplier')
  let tasks = await listOpenTasks(db)
  assert.deepEqual(tasks.map((t) => [t.kind, t.orderNumber, t.lineNo]), [['backordered', 'W1', 1]])

  await feed(['W1,1,,accepted,2,2026-11-18,,'], '2026-11-17T09:00:00Z')
  const r2 = await sweep('2026-11-17T10:00:00Z')
  assert.equal(r2.changes.restocked, 1)
  assert.equal(r2.tasksClosed, 1)
  tasks = await listOpenTasks(db)
  assert.ok(!tasks.some((t) => t.kind === 'backordered'))
})

test('time alone makes a silent line delayed, and a task after the grace days', async () => {
  await feed(['W1,1,,accepted,,,,', 'W1,2,,accepted,,,,', 'W1,3,,accepted,,,,'], '2026-11-02T12:00:00Z')
  await sweep('2026-11-03T12:00:00Z')
  const onPromise = await sweep('2026-11-05T12:00:00Z')
  assert.equal(onPromise.examined, 3, 'looked at on the promised date: the latest day a delay notice may go')
  assert.deepEqual(onPromise.changes, {}, 'still processing on the day itself')
  const late = await sweep('2026-11-06T12:00:00Z')
  assert.deepEqual(late.changes, { delayed: 3 })
  assert.equal(late.tasksOpened, 0, 'within the grace period')
  const graceOver = await sweep('2026-11-09T12:00:00Z') // Mon: promise Thu + 1 grace business day
  assert.equal(graceOver.tasksOpened, 3)
  assert.equal((await listOpenTasks(db)).filter((t) => t.kind === 'delayed').length, 3)
  const cause = await db.query<{ cause: string }>(`SELECT cause FROM line_state_history WHERE state = 'delayed' LIMIT 1`)
  assert.match(cause[0].cause, /promised ship date 2026-11-05 passed/)
})

test('a delivered line is closed and no longer swept', async () => {
  await feed(['W1,2,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-04T09:00:00Z')
  await db.query(
    `INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at) VALUES ('1Z999AA10123456784', 'UPS', 'delivered', '2026-11-06T15:00:00Z')`,
  )
  await db.query(`UPDATE order_lines SET dirty = true`)
  await sweep('2026-11-06T16:00:00Z')
  const [line] = await db.query<{ state: string; closed: boolean; next_check_at: Date | null }>(
    'SELECT state, closed, next_check_at FROM order_lines WHERE line_no = 2',
  )
  assert.deepEqual({ ...line }, { state: 'delivered', closed: true, next_check_at: null })
  const later = await sweep('2026-12-20T12:00:00Z')
  assert.equal(later.examined, 2, 'only the two open lines')
})

test('two sweeps at once share the work and never double-count', async () => {
  const [a, b] = await Promise.all([sweep('2026-11-03T12:00:00Z'), sweep('2026-11-03T12:00:00Z')])
  assert.equal(a.examined + b.examined, 3)
  assert.equal((await history()).length, 3)
})

test('a parcel with no carrier scan for 3 business days becomes a rep task, closed by the next scan', async () => {
  await feed(['W1,2,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-04T09:00:00Z')
  await db.query(
    `INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at, location) VALUES ('1Z999AA10123456784', 'UPS', 'in_transit', '2026-11-04T18:00:00Z', 'Louisville, KY')`,
  )
  await sweep('2026-11-05T12:00:00Z')
  assert.ok(!(await listOpenTasks(db)).some((t) => t.kind === 'stalled_in_transit'))
  const r = await sweep('2026-11-09T12:00:00Z') // Wed → Mon: 3 business days without a scan
  assert.ok(r.tasksOpened >= 1)
  const stalled = (await listOpenTasks(db)).find((t) => t.kind === 'stalled_in_transit')
  assert.ok(stalled)
  assert.equal(stalled.lineNo, 2)
  assert.match(stalled.detail ?? '', /last scan 2026-11-04 Louisville, KY/)

  await db.query(
    `INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at) VALUES ('1Z999AA10123456784', 'UPS', 'in_transit', '2026-11-09T15:00:00Z')`,
  )
  await db.query(`UPDATE order_lines SET dirty = true WHERE line_no = 2`)
  await sweep('2026-11-09T16:00:00Z')
  assert.ok(!(await listOpenTasks(db)).some((t) => t.kind === 'stalled_in_transit'))
})
