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

let db: Db
let inbox: string
const clock = fixedClock(new Date('2026-11-20T12:00:00Z'))
const CSV = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-1,1,,backordered,1,2026-12-01,,\n'

function put(rel: string, body: string, ageMs = 10_000): string {
  const file = path.join(inbox, rel)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, body)
  const t = new Date(Date.now() - ageMs)
  fs.utimesSync(file, t, t)
  return file
}

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
  put('ACME/fresh.csv', CSV, 0)
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
