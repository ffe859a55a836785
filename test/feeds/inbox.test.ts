import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { scanInbox } from '../../src/feeds/inbox.ts'
import { fixedClock } from '../../src/clock.ts'
import { INSTANCE, writeInto } from '../../src/feeds/inbox-files.ts'

let db: Db
let inbox: string
const clock = fixedClock(new Date('2026-11-20T12:00:00Z'))
const CSV = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-1,1,,backordered,1,2026-12-01,,\n'

/** Drops a file; `settled` files get an mtime long past (a file's age is read against the file system's clock). */
function put(rel: string, body: string, settled = true): string {
  const file = path.join(inbox, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, body)
  if (settled) fs.utimesSync(file, LONG_AGO, LONG_AGO)
  return file
}
const LONG_AGO = new Date('2020-01-01T00:00:00Z')
/** The status feed with a given expected ship date: same name, different content. */
const csvShipping = (day: string) => CSV.replace('2026-12-01', day)

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W1', email: 'a@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: 'PO-1', poLine: '1' }] })
  inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-inbox-'))
})
afterEach(async () => {
  await db.close()
  fs.rmSync(inbox, { recursive: true, force: true })
})

test('files are taken in per supplier folder and archived', async () => {
  put('ACME/status.csv', CSV)
  const r = await scanInbox(db, { inboxDir: inbox, clock })
  assert.deepEqual(r.files.map((f) => [f.supplierId, f.file, f.outcome]), [['ACME', 'status.csv', 'applied']])
  assert.ok(!fs.existsSync(path.join(inbox, 'ACME/status.csv')))
  const archived = fs.readdirSync(path.join(inbox, 'ACME/archive/2026-11-20'))
  assert.equal(archived.length, 1)
  assert.match(archived[0], /^\d+-status\.csv$/)
  assert.deepEqual((await scanInbox(db, { inboxDir: inbox, clock })).files, [], 'nothing twice')
})

test('files still being written are left alone', async () => {
  put('ACME/upload.csv.part', CSV)
  put('ACME/fresh.csv', CSV, false)
  put('ACME/.hidden.csv', CSV)
  assert.deepEqual((await scanInbox(db, { inboxDir: inbox, clock })).files, [])
})

test('an unknown supplier folder and a bad file are quarantined with the reason', async () => {
  put('NOBODY/status.csv', CSV)
  put('ACME/bad.csv', 'po_number,status\nPO-1,exploded\n')
  const r = await scanInbox(db, { inboxDir: inbox, clock })
  assert.deepEqual(r.files.map((f) => f.outcome), ['quarantined', 'quarantined'])
  assert.match(fs.readFileSync(path.join(inbox, 'ACME/quarantine/bad.csv.reason.txt'), 'utf8'), /line 2: status/)
  assert.match(fs.readFileSync(path.join(inbox, 'NOBODY/quarantine/status.csv.reason.txt'), 'utf8'), /unknown supplier/)
})

test('a file left mid-way by a process that died is taken in again', async () => {
  put('ACME/processing/999999999-status.csv', CSV)
  const r = await scanInbox(db, { inboxDir: inbox, clock })
  assert.deepEqual(r.files.map((f) => f.file), ['status.csv'])
})

/** The database, with a hook run before each query or transaction the inbox makes through it. */
function hooked(inner: Db, before: () => void): Db {
  return {
    ...inner,
    query: async (text, values) => (before(), inner.query(text, values)),
    transaction: async (fn, opts) => (before(), inner.transaction(fn, opts)),
    session: async (fn) => (before(), inner.session(fn)),
  } as Db
}

async function storedDates(): Promise<string[]> {
  const rows = await db.query<{ body: Buffer }>("SELECT body FROM inbound_messages WHERE filename = 'status.csv' ORDER BY message_id")
  return rows.map((r) => /,(\d{4}-\d{2}-\d{2}),/.exec(Buffer.from(r.body).toString('utf8'))![1]).sort()
}

test('recovery never overwrites: same-named files dropped before and during recovery are all stored', async () => {
  put('ACME/processing/999999999-status.csv', csvShipping('2026-12-01')) // a dead worker's file
  put('ACME/status.csv', csvShipping('2026-12-02')) // the supplier's next file, same name
  let dropped = false
  const dropDuring = hooked(db, () => {
    if (dropped) return
    dropped = true // while the abandoned file is being taken in, the supplier drops a third
    put('ACME/status.csv', csvShipping('2026-12-03'))
  })
  const first = await scanInbox(dropDuring, { inboxDir: inbox, clock })
  const second = await scanInbox(db, { inboxDir: inbox, clock })
  const taken = [...first.files, ...second.files]
  assert.deepEqual(taken.map((f) => [f.file, f.outcome]), [['status.csv', 'applied'], ['status.csv', 'applied'], ['status.csv', 'applied']])
  assert.deepEqual(await storedDates(), ['2026-12-01', '2026-12-02', '2026-12-03'], 'every version was stored')
  assert.equal(fs.readdirSync(path.join(inbox, 'ACME/archive/2026-11-20')).length, 3)
  assert.deepEqual(fs.readdirSync(path.join(inbox, 'ACME/processing')), [])
  assert.ok(!fs.existsSync(path.join(inbox, 'ACME/status.csv')))
})

test('a claim left by an earlier process with this pid is recovered; a live process\'s claim is left alone', async () => {
  put(`ACME/processing/${process.pid}-status.csv`, csvShipping('2026-12-01')) // older naming, our pid reused
  put(`ACME/processing/${process.pid}.0123abcd.7-status.csv`, csvShipping('2026-12-02'))
  const live = put(`ACME/processing/${process.ppid}.${INSTANCE}.1-other.csv`, csvShipping('2026-12-03'))
  const r = await scanInbox(db, { inboxDir: inbox, clock })
  assert.deepEqual(r.files.map((f) => [f.file, f.outcome]), [['status.csv', 'applied'], ['status.csv', 'applied']])
  assert.deepEqual(fs.readdirSync(path.join(inbox, 'ACME/processing')), [path.basename(live)])
})

test('a file the database fails on stays claimed and is retried with backoff, then taken in', async () => {
  put('ACME/status.csv', CSV)
  let failures = 2
  const flaky = hooked(db, () => {
    if (failures > 0) throw new Error('Connection terminated unexpectedly')
  })
  const attempts: string[] = []
  for (let scan = 1; scan <= 4; scan++) {
    const r = await scanInbox(flaky, { inboxDir: inbox, clock })
    if (r.failed.length > 0) failures--
    attempts.push(r.failed.length > 0 ? `failed, wait ${r.failed[0].retryAfterScans}` : r.files.length > 0 ? r.files[0].outcome : 'waiting')
    if (r.failed.length > 0) assert.match(r.failed[0].error, /Connection terminated/)
  }
  assert.deepEqual(attempts, ['failed, wait 1', 'failed, wait 2', 'waiting', 'applied'])
  assert.deepEqual(fs.readdirSync(path.join(inbox, 'ACME/processing')), [])
  assert.equal(fs.readdirSync(path.join(inbox, 'ACME/archive/2026-11-20')).length, 1)
})

test('an acknowledgment never replaces an earlier one of the same name', () => {
  const acks = path.join(inbox, 'ACME/acks')
  writeInto(acks, 'po.edi.997', 'first')
  writeInto(acks, 'po.edi.997', 'second')
  assert.deepEqual(fs.readdirSync(acks).sort().map((f) => fs.readFileSync(path.join(acks, f), 'utf8')), ['second', 'first'])
})
