import { describe, test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { TestClock } from '../../src/clock.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { createMailer } from '../../src/notify/mailer.ts'
import { dispatchDue } from '../../src/notify/outbox.ts'
import { closeTask } from '../../src/store/tasks.ts'
import { runSupplierCheck, unackCutoffDay, windowLabel, type SupplierCheckOptions } from '../../src/jobs/supplier-check.ts'
import { attachment, parseMime, startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'

// 2026-11-16 is a Monday. ACME has two lines on PO-77 (one acknowledged on Monday), BOLT one on PO-88.
const WED = '2026-11-18T09:00:00Z'
const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
const CSV_HEADER = 'po_number,po_line,sku,supplier_sku,qty,ordered_at,last_status,last_status_at'

let db: Db
let smtp: TestSmtp
let clock: TestClock
before(async () => {
  smtp = await startSmtp()
})
after(() => smtp.close())
beforeEach(async () => {
  db = await freshDb()
  smtp.received.length = 0
  clock = new TestClock(WED)
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W1001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 5, supplierId: 'ACME', poNumber: 'PO-77', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-77', poLine: '2' },
    ],
  })
  await seedOrder(db, {
    orderNumber: 'W1002', email: 'lee@example.com', placedAt: '2026-11-16T11:00:00Z',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'BOLT', poNumber: 'PO-88', poLine: '1' }],
  })
  await feed('ACME', ['PO-77,1,TENT-2P-GRN,accepted,5,,,'], '2026-11-16T12:00:00Z')
})
afterEach(() => db.close())

function feed(supplierId: string, rows: string[], receivedAt: string) {
  return ingestSupplierFeed(db, {
    body: Buffer.from([HEADER, ...rows].join('\n')), filename: `${supplierId}-${receivedAt}.csv`, supplierId, source: 'test', receivedAt: new Date(receivedAt),
  })
}

const check = (over: Partial<SupplierCheckOptions> = {}) => runSupplierCheck(db, { now: clock.now(), calendar: DEFAULT_CALENDAR, mailFrom: 'Trail Shop <buying@trail.example>', ...over })
const openTasks = async () =>
  (await db.query<{ dedupe_key: string; detail: string }>(`SELECT dedupe_key, detail FROM tasks WHERE status = 'open' ORDER BY dedupe_key`))
const openKeys = async () => (await openTasks()).map((t) => t.dedupe_key)
const requestKeys = async () =>
  (await db.query<{ dedupe_key: string }>(`SELECT dedupe_key FROM notifications ORDER BY dedupe_key`)).map((r) => r.dedupe_key)
const lineId = async (po: string, line: string) =>
  (await db.query<{ order_line_id: number; po_line_id: number }>('SELECT order_line_id, po_line_id FROM po_lines WHERE po_number = $1 AND po_line = $2', [po, line]))[0]

test('a silent supplier gets one status request, CSV attached, delivered over SMTP, and a rep task', async () => {
  const summary = await check()
  const [l2, bolt] = [await lineId('PO-77', '2'), await lineId('PO-88', '1')]
  assert.deepEqual(summary, { suppliersChecked: 2, statusRequests: 2, tasksOpened: 4, tasksClosed: 0 })
  assert.deepEqual(await openKeys(), [
    'supplier_silent:ACME', 'supplier_silent:BOLT', `unacknowledged:${l2.order_line_id}`, `unacknowledged:${bolt.order_line_id}`,
  ].sort())
  const sent = await dispatchDue(db, createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' }), { now: clock.now() })
  assert.equal(sent.sent, 2)
  const acme = smtp.received.find((m) => m.to[0] === 'orders@acme.example')!
  const mime = parseMime(acme.raw)
  assert.equal(mime.headers.to, 'orders@acme.example')
  assert.equal(mime.headers.from, 'Trail Shop <buying@trail.example>')
  assert.equal(mime.headers.subject, 'Status request: 2 open purchase order lines (Acme Outdoor Supply)')
  assert.equal(attachment(mime, 'open-po-lines-ACME-2026-11-18.csv'), [
    CSV_HEADER,
    'PO-77,1,TENT-2P-GRN,A-7781,5,2026-11-16T10:00:00Z,accepted,2026-11-16T12:00:00Z',
    'PO-77,2,STOVE-1,A-2210,1,2026-11-16T10:00:00Z,,',
    '',
  ].join('\r\n'))
  const text = mime.parts.find((p) => /text\/plain/.test(p.headers['content-type'] ?? ''))!.body
  assert.match(text, /PO-77 line 2: STOVE-1 \(your A-2210\), qty 1, ordered 2026-11-16, last status: none yet/)
  assert.match(text, /last 24 business hours/)
})

test('without SMTP the status request is an .eml in the outbox folder with the CSV', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-outbox-'))
  try {
    await check()
    await dispatchDue(db, createMailer({ outboxDir: dir }, { clock }), { now: clock.now() })
    const files = fs.readdirSync(dir).sort()
    assert.equal(files.length, 2)
    const mails = files.map((f) => parseMime(fs.readFileSync(path.join(dir, f), 'utf8')))
    const bolt = mails.find((m) => m.headers.to === 'edi@bolt.example')!
    assert.equal(attachment(bolt, 'open-po-lines-BOLT-2026-11-18.csv'), `${CSV_HEADER}\r\nPO-88,1,TENT-2P-GRN,B-TENT2G,1,2026-11-16T11:00:00Z,,\r\n`)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('no second request within the same window; the next window asks again', async () => {
  assert.equal((await check()).statusRequests, 2)
  clock.set('2026-11-18T20:00:00Z')
  assert.deepEqual(await check(), { suppliersChecked: 2, statusRequests: 0, tasksOpened: 0, tasksClosed: 0 })
  clock.set('2026-11-19T09:00:00Z')
  assert.equal((await check()).statusRequests, 2)
  assert.deepEqual(await requestKeys(), [
    'status-request:ACME:2026-11-18', 'status-request:ACME:2026-11-19', 'status-request:BOLT:2026-11-18', 'status-request:BOLT:2026-11-19',
  ])
})

test('a supplier that sent a feed in its window gets no request, and its silent task closes', async () => {
  await check()
  await feed('ACME', ['PO-77,2,STOVE-1,backordered,1,2026-12-01,,'], '2026-11-18T15:00:00Z')
  clock.set('2026-11-19T09:00:00Z')
  const summary = await check()
  assert.deepEqual(summary, { suppliersChecked: 2, statusRequests: 1, tasksOpened: 0, tasksClosed: 2 }) // silent ACME + unack line 2
  const bolt = await lineId('PO-88', '1')
  assert.deepEqual(await openKeys(), ['supplier_silent:BOLT', `unacknowledged:${bolt.order_line_id}`])
  assert.deepEqual((await requestKeys()).filter((k) => k.includes('2026-11-19')), ['status-request:BOLT:2026-11-19'])
})

test('a supplier without an email still gets a task, once per window, saying so', async () => {
  await db.query(`UPDATE suppliers SET email = NULL, phone = '+1 555 0100' WHERE supplier_id = 'BOLT'`)
  assert.deepEqual((await check()).statusRequests, 1)
  const task = (await openTasks()).find((t) => t.dedupe_key === 'supplier_silent:BOLT')!
  assert.match(task.detail, /no email on file — call them at \+1 555 0100/)
  await closeTask(db, 'supplier_silent:BOLT', clock.now()) // the rep called them
  clock.set('2026-11-18T20:00:00Z')
  await check()
  assert.ok(!(await openKeys()).includes('supplier_silent:BOLT'))
  clock.set('2026-11-19T09:00:00Z')
  await check()
  assert.ok((await openKeys()).includes('supplier_silent:BOLT'))
  assert.deepEqual((await requestKeys()).filter((k) => k.includes('BOLT')), [])
})

test('only open, unshipped lines count; fresh orders do not make a supplier silent yet', async () => {
  const l1 = await lineId('PO-77', '1')
  await db.query(`INSERT INTO shipments (order_line_id, po_line_id, carrier, tracking_number, shipped_at, qty) VALUES ($1, $2, 'UPS', '1Z999AA10123456784', $3, 5)`,
    [l1.order_line_id, l1.po_line_id, '2026-11-17T10:00:00Z'])
  await db.query(`UPDATE order_lines SET cancelled_at = '2026-11-17T10:00:00Z' WHERE order_line_id = $1`, [(await lineId('PO-77', '2')).order_line_id])
  await db.query(`UPDATE order_lines SET closed = true WHERE order_line_id = $1`, [(await lineId('PO-88', '1')).order_line_id])
  await seedOrder(db, {
    orderNumber: 'W1003', email: 'kim@example.com', placedAt: '2026-11-18T08:00:00Z',
    lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 2, supplierId: 'ACME', poNumber: 'PO-99', poLine: '1' }],
  })
  assert.deepEqual(await check(), { suppliersChecked: 1, statusRequests: 0, tasksOpened: 0, tasksClosed: 0 })
  clock.set('2026-11-19T09:00:00Z') // now the new order is older than a day
  assert.equal((await check()).statusRequests, 1)
  const [n] = await db.query<{ payload: { attachments: { content: string }[] } }>('SELECT payload FROM notifications')
  assert.equal(n.payload.attachments[0].content, `${CSV_HEADER}\r\nPO-99,1,STOVE-1,A-2210,2,2026-11-18T08:00:00Z,,\r\n`)
})

test('a line with no supplier word N business days after the order gets a task, closed when word comes', async () => {
  await seedOrder(db, {
    orderNumber: 'W2000', email: 'ray@example.com', placedAt: '2026-11-20T16:00:00Z', // a Friday
    lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-200', poLine: '1' }],
  })
  const key = `unacknowledged:${(await lineId('PO-200', '1')).order_line_id}`
  const calendar = { ...DEFAULT_CALENDAR, holidays: ['2026-11-24'] }
  clock.set('2026-11-24T09:00:00Z') // Tuesday, a holiday: Fri + 2 business days is Wednesday
  await check({ calendar })
  assert.ok(!(await openKeys()).includes(key))
  clock.set('2026-11-25T07:00:00Z')
  await check({ calendar })
  assert.ok((await openKeys()).includes(key))
  await feed('ACME', ['PO-200,1,STOVE-1,accepted,1,,,'], '2026-11-25T08:00:00Z')
  clock.set('2026-11-25T09:00:00Z')
  const summary = await check({ calendar })
  assert.ok(!(await openKeys()).includes(key))
  assert.ok(summary.tasksClosed >= 1)
})

async function signal(po: string, line: string, status: string, receivedAt: string, rawCode: string) {
  const { po_line_id } = await lineId(po, line)
  const [m] = await db.query<{ message_id: number }>(
    `INSERT INTO inbound_messages (kind, source, supplier_id, sha256, body, received_at, status) VALUES ('x12', 'test', 'ACME', md5($1), '', $2, 'applied') RETURNING message_id`,
    [`${po}${line}${status}${receivedAt}`, receivedAt],
  )
  await db.query(
    `INSERT INTO supplier_signals (message_id, supplier_id, po_line_id, po_number, po_line, status, received_at, source, raw_code) VALUES ($1, 'ACME', $2, $3, $4, $5, $6, 'test', $7)`,
    [m.message_id, po_line_id, po, line, status, receivedAt, rawCode],
  )
  return m.message_id
}

test('a line on hold at the supplier gets a task, closed when the hold is lifted', async () => {
  const key = `supplier_hold:${(await lineId('PO-77', '1')).order_line_id}`
  await signal('PO-77', '1', 'on_hold', '2026-11-17T10:00:00Z', '855 ACK IH')
  await check()
  const task = (await openTasks()).find((t) => t.dedupe_key === key)!
  assert.match(task.detail, /PO-77 line 1, TENT-2P-GRN ×5, supplier Acme Outdoor Supply; on hold since 2026-11-17T10:00:00Z \(855 ACK IH\)/)
  clock.set('2026-11-18T12:00:00Z')
  await signal('PO-77', '1', 'accepted', '2026-11-18T11:00:00Z', '855 ACK IA')
  const summary = await check()
  assert.ok(!(await openKeys()).includes(key))
  assert.ok(summary.tasksClosed >= 1)
  await signal('PO-77', '1', 'on_hold', '2026-11-18T13:00:00Z', '855 ACK IW') // held again: a new task
  clock.set('2026-11-18T14:00:00Z')
  assert.ok((await check()).tasksOpened >= 1)
  assert.ok((await openKeys()).includes(key))
})

test('the windows and the unacknowledged cut-off', () => {
  assert.deepEqual(windowLabel(new Date('2026-11-18T23:59:00Z'), 24).label, '2026-11-18')
  assert.deepEqual(windowLabel(new Date('2026-11-18T13:00:00Z'), 6).label, '2026-11-18T12Z')
  assert.equal(unackCutoffDay('2026-11-18', 2, DEFAULT_CALENDAR), '2026-11-16') // Wed: Monday's orders are due
  assert.equal(unackCutoffDay('2026-11-23', 2, DEFAULT_CALENDAR), '2026-11-19') // Mon: up to Thursday's
  assert.equal(unackCutoffDay('2026-11-25', 2, DEFAULT_CALENDAR), '2026-11-23') // Wed: weekend orders wait for Mon + 2
})

test('the check is a few statements whatever the number of lines', async () => {
  await db.query(`INSERT INTO suppliers (supplier_id, name, email) SELECT 'S' || i, 'Supplier ' || i, 's' || i || '@x.example' FROM generate_series(1, 20) i`)
  await db.query(`INSERT INTO orders (order_number, placed_at, customer_id) SELECT 'B' || i, '2026-11-16T10:00:00Z', 1 FROM generate_series(1, 400) i`)
  await db.query(`INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id)
                  SELECT order_id, 1, 'STOVE-1', 1, 'S' || (order_id % 20 + 1) FROM orders WHERE order_number LIKE 'B%'`)
  await db.query(`INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty)
                  SELECT l.order_line_id, l.supplier_id, o.order_number, '1', l.sku, 1 FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number LIKE 'B%'`)
  let statements = 0
  const counting: Db = {
    ...db,
    query: (text, values) => (statements++, db.query(text, values)),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, values) => (statements++, tx.query(text, values)) })),
  }
  const summary = await runSupplierCheck(counting, { now: clock.now(), calendar: DEFAULT_CALENDAR, mailFrom: 'Trail Shop <buying@trail.example>' })
  assert.equal(summary.suppliersChecked, 22)
  assert.equal(summary.statusRequests, 22)
  assert.equal(summary.tasksOpened, 22 + 402)
  // 7 set-wide statements (one reads the cadences, for the business-time window) + 2 per
  // supplier asked (its message and its task), none per line.
  assert.equal(statements, 7 + 2 * 22)
  const [csv] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE supplier_id = 'S1'`)
  assert.equal(csv.n, 1)
})

describe('silence is counted in business time (the store\'s zone, weekends and holidays skipped)', () => {
  // Both suppliers answered on Friday 2026-11-20 at 13:00 EST.
  const friday = async () => {
    await feed('ACME', ['PO-77,2,STOVE-1,accepted,1,,,'], '2026-11-20T18:00:00Z')
    await feed('BOLT', ['PO-88,1,TENT-2P-GRN,accepted,1,,,'], '2026-11-20T18:00:00Z')
  }

  test('a Friday feed is not silence on Monday morning', async () => {
    await friday()
    clock.set('2026-11-23T13:00:00Z') // Monday 08:00 EST: 19 business hours since Friday's feeds
    const summary = await check()
    assert.equal(summary.statusRequests, 0)
    assert.ok(!(await openKeys()).some((k) => k.startsWith('supplier_silent:')))
    clock.set('2026-11-23T20:00:00Z') // Monday 15:00 EST: 26 business hours, and no Monday feed
    assert.equal((await check()).statusRequests, 2)
    assert.deepEqual((await requestKeys()).filter((k) => k.includes('2026-11-23')), ['status-request:ACME:2026-11-23', 'status-request:BOLT:2026-11-23'])
  })

  test('nobody is asked on a weekend or a holiday, and a holiday does not count as silence', async () => {
    await feed('BOLT', ['PO-88,1,TENT-2P-GRN,accepted,1,,,'], '2026-11-20T18:00:00Z') // ACME last answered on Monday the 16th
    clock.set('2026-11-20T21:00:00Z') // Friday 16:00 EST
    assert.equal((await check()).statusRequests, 1)
    const calendar = { ...DEFAULT_CALENDAR, holidays: ['2026-11-23'] } // Monday off
    for (const t of ['2026-11-21T15:00:00Z', '2026-11-22T15:00:00Z', '2026-11-23T15:00:00Z']) {
      clock.set(t)
      assert.equal((await check({ calendar })).statusRequests, 0, t)
    }
    assert.ok((await openKeys()).includes('supplier_silent:ACME'), 'the task stays open over the weekend')
    clock.set('2026-11-24T13:00:00Z') // Tuesday 08:00 EST: BOLT's Friday feed is 19 business hours old
    await check({ calendar })
    assert.deepEqual((await requestKeys()).filter((k) => k.includes('2026-11-2')), ['status-request:ACME:2026-11-20', 'status-request:ACME:2026-11-24'])
    assert.ok(!(await openKeys()).includes('supplier_silent:BOLT'))
  })
})
