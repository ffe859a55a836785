import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { parseProfile } from '../../src/feeds/profiles/profile-schema.ts'
import { getProfile, removeProfile, setProfile } from '../../src/feeds/profiles/profile-store.ts'
import { describePreview, previewSupplierFeed } from '../../src/feeds/profiles/preview.ts'
import { scanInbox } from '../../src/feeds/inbox.ts'
import { fixedClock, TestClock } from '../../src/clock.ts'
import { buildApp } from '../../src/http/app.ts'
import { issueSupplierKey } from '../../src/store/supplier-keys.ts'

let db: Db
const at = new Date('2026-11-20T12:00:00Z')
const fixture = (name: string) => fs.readFileSync(new URL(`../fixtures/profiles/${name}`, import.meta.url))
const docs = (name: string) => parseProfile(fs.readFileSync(new URL(`../../docs/profiles/${name}.json`, import.meta.url), 'utf8'))

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await db.query(`INSERT INTO suppliers (supplier_id, name, lead_time_days) VALUES ('PEAK', 'Peak Dropship', 2)`)
  await db.query(`INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty) VALUES
    ('PEAK', 'TENT-2P-GRN', 'PD-88121', 160, 0), ('PEAK', 'STOVE-1', 'PD-88122', 55, 9), ('PEAK', 'TENT-2P-BLU', 'PD-88123', 160, 3)`)
  const line = (poNumber: string, poLine: string, sku: string, supplierId = 'ACME') => ({ lineNo: Number(poLine), sku, qty: 2, supplierId, poNumber, poLine })
  await seedOrder(db, { orderNumber: 'W100', email: 'a@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [line('PO-N100', '1', 'TENT-2P-GRN'), line('PO-N100', '2', 'STOVE-1')] })
  await seedOrder(db, { orderNumber: 'W101', email: 'a@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [line('PO-N101', '1', 'TENT-2P-GRN')] })
  await seedOrder(db, { orderNumber: 'W102', email: 'a@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [line('PO-N102', '1', 'STOVE-1')] })
  await seedOrder(db, { orderNumber: 'W200', email: 'b@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [line('PO-A200', '1', 'STOVE-1', 'BOLT'), line('PO-A200', '2', 'TENT-2P-GRN', 'BOLT')] })
  await seedOrder(db, { orderNumber: 'W201', email: 'b@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [line('PO-A201', '1', 'STOVE-1', 'BOLT')] })
  await seedOrder(db, { orderNumber: 'W202', email: 'b@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [line('PO-A202', '1', 'TENT-2P-GRN', 'BOLT')] })
})
afterEach(() => db.close())

async function signals(poNumber: string) {
  return db.query<{ po_line: string; status: string; qty: number | null; day: string | null; tracking_number: string | null; matched: boolean }>(
    `SELECT s.po_line, s.status, s.qty, to_char(s.expected_ship_date, 'YYYY-MM-DD') AS day, s.tracking_number, s.po_line_id IS NOT NULL AS matched
       FROM supplier_signals s WHERE s.po_number = $1 ORDER BY s.po_line`,
    [poNumber],
  )
}

/** Row counts of every table of the schema: a dry run must leave each as it was. */
async function tableCounts(): Promise<Record<string, number>> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
  const counts: Record<string, number> = {}
  for (const { table_name: t } of tables) counts[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`))[0].n
  return counts
}

test('profile set → the distributor\'s XLSX report is applied to its PO lines; the original bytes are kept', async () => {
  assert.equal(await setProfile(db, 'ACME', docs('northwind-open-order-report'), at), 'created')
  const body = fixture('northwind-open-orders.xlsx')
  const o = await ingestSupplierFeed(db, { body, filename: 'Open Order Report.xlsx', supplierId: 'ACME', source: 'cli', receivedAt: at })
  assert.equal(o.outcome, 'applied', JSON.stringify(o))
  if (o.outcome !== 'applied') return
  assert.equal(o.unmatched, 0)
  const [stored] = await db.query<{ body: Buffer; kind: string }>('SELECT body, kind FROM inbound_messages WHERE message_id = $1', [o.messageId])
  assert.ok(Buffer.from(stored.body).equals(body), 'the raw input is the supplier\'s own file')
  assert.deepEqual((await signals('PO-N100')).map((s) => [s.po_line, s.status, s.qty, s.day, s.matched]), [
    ['1', 'backordered', 2, '2026-12-05', true],
    ['2', 'shipped', 1, null, true],
  ])
  assert.deepEqual((await signals('PO-N101')).map((s) => [s.status, s.day]), [['backordered', '2026-12-18']])
  const words = await db.query<{ raw_code: string }>(`SELECT raw_code FROM supplier_signals ORDER BY po_number, po_line`)
  assert.deepEqual(words.map((w) => w.raw_code), ['csv backordered (B/O)', 'csv shipped', 'csv backordered (Backorder)', 'csv shipped (Partial Ship)'], 'the supplier\'s own word is kept')
  assert.deepEqual((await signals('PO-N102')).map((s) => [s.status, s.day, s.tracking_number]), [['shipped', '2026-12-18', '449044304137821']])
  const shipments = await db.query<{ tracking_number: string }>('SELECT tracking_number FROM shipments ORDER BY tracking_number')
  assert.deepEqual(shipments.map((s) => s.tracking_number), ['1Z999AA10123456784', '449044304137821'])
})

test('the European supplier\'s ";" CSV is applied under its profile, through the drop folder', async () => {
  await setProfile(db, 'BOLT', docs('alpenwerk-status-csv'), at)
  const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-profiles-'))
  try {
    fs.mkdirSync(path.join(inbox, 'BOLT'))
    const file = path.join(inbox, 'BOLT', 'Lieferstatus.csv')
    fs.writeFileSync(file, fixture('alpenwerk-status.csv'))
    fs.utimesSync(file, new Date('2020-01-01'), new Date('2020-01-01'))
    const r = await scanInbox(db, { inboxDir: inbox, clock: fixedClock(at) })
    assert.deepEqual(r.files.map((f) => [f.file, f.outcome]), [['Lieferstatus.csv', 'applied']])
  } finally {
    fs.rmSync(inbox, { recursive: true, force: true })
  }
  assert.deepEqual((await signals('PO-A200')).map((s) => [s.po_line, s.status, s.qty, s.day, s.matched]), [
    ['1', 'backordered', 2, '2026-12-15', true],
    ['2', 'shipped', 1, null, true],
  ])
  assert.deepEqual((await signals('PO-A201')).map((s) => [s.status, s.day]), [['backordered', '2027-01-08']])
  assert.deepEqual((await signals('PO-A202')).map((s) => [s.status, s.day]), [['accepted', '2026-12-22']])
})

test('the dropshipper\'s inventory XLSX updates its offers (OOS → 0, "2 CS" → 24, a restock date)', async () => {
  await setProfile(db, 'PEAK', docs('peak-dropship-inventory'), at)
  const o = await ingestSupplierFeed(db, { body: fixture('peak-inventory.xlsx'), filename: 'inventory.xlsx', supplierId: 'PEAK', source: 'api', receivedAt: at })
  assert.equal(o.outcome, 'applied', JSON.stringify(o))
  if (o.outcome === 'applied') assert.match(o.summary[0], /^offers: 3 items: 3 offers found, 3 changed/)
  const offers = await db.query<{ sku: string; available_qty: number; day: string | null }>(
    `SELECT sku, available_qty, to_char(restock_date, 'YYYY-MM-DD') AS day FROM offers WHERE supplier_id = 'PEAK' ORDER BY sku`,
  )
  assert.deepEqual(offers.map((f) => [f.sku, f.available_qty, f.day]), [['STOVE-1', 0, '2026-12-15'], ['TENT-2P-BLU', 24, null], ['TENT-2P-GRN', 12, null]])
})

test('a row the profile cannot read quarantines the whole file, named by its sheet row; nothing applied', async () => {
  const { skipRows: _, ...withoutFooter } = docs('northwind-open-order-report')
  await setProfile(db, 'ACME', withoutFooter, at)
  const o = await ingestSupplierFeed(db, { body: fixture('northwind-open-orders.xlsx'), filename: 'oor.xlsx', supplierId: 'ACME', source: 'cli', receivedAt: at })
  assert.equal(o.outcome, 'quarantined')
  if (o.outcome === 'quarantined') assert.equal(o.reason, '1 bad row (sheet "Open Orders"); line 11: status: must be one of accepted, backordered, shipped, cancelled, rejected')
  assert.equal((await db.query('SELECT 1 FROM supplier_signals')).length, 0)
})

test('dry run: each row as read and each unreadable row with its reason, and the database unchanged', async () => {
  await setProfile(db, 'BOLT', docs('alpenwerk-status-csv'), at)
  const body = Buffer.from([
    'Bestellnummer;Pos.;Status;Menge;Liefertermin;Sendungsnummer',
    'PO-A200;1;Rückstand;2 Stk;15.12.2026;',
    'PO-A200;2;Verloren;1;;',
    'PO-A201;1;Versandt;1;;',
  ].join('\n'))
  const before = await tableCounts()
  const p = await previewSupplierFeed(db, { body, filename: '/tmp/status.csv', supplierId: 'BOLT' })
  assert.deepEqual(await tableCounts(), before)
  assert.deepEqual([p.read, p.unreadable], [1, 2])
  assert.deepEqual(describePreview(p), [
    "status.csv: dry run, read under BOLT's profile (status) from CSV, header on line 1; nothing is stored or applied",
    '  line 2: po_number=PO-A200 po_line=1 status=backordered qty=2 expected_ship_date=2026-12-15 carrier=DHL',
    `  line 3: cannot read: status: "Verloren" is not a status word of this profile (known: ${Object.keys(docs('alpenwerk-status-csv').statuses).join(', ')}, accepted, backordered, shipped, cancelled, rejected)`,
    '  line 4: cannot read: tracking_number: required when status is shipped',
    'status.csv: 3 rows: 1 read, 2 unreadable',
  ])
  // An offers file reads the same way; the workbook's rows by sheet row.
  await setProfile(db, 'PEAK', docs('peak-dropship-inventory'), at)
  const offers = await previewSupplierFeed(db, { body: fixture('peak-inventory.xlsx'), filename: 'inv.xlsx', supplierId: 'PEAK' })
  assert.deepEqual(offers.rows, [
    { line: 2, ok: true, fields: { sku: 'TENT-2P-GRN', supplier_sku: 'PD-88121', available_qty: '12', status: 'in_stock' } },
    { line: 3, ok: true, fields: { sku: 'STOVE-1', supplier_sku: 'PD-88122', restock_date: '2026-12-15', status: 'out_of_stock' } },
    { line: 4, ok: true, fields: { sku: 'TENT-2P-BLU', supplier_sku: 'PD-88123', available_qty: '24', status: 'in_stock' } },
  ])
  // A supplier without a profile: wismo's own header; a file without it says why.
  const own = await previewSupplierFeed(db, { body: Buffer.from('po_number,po_line,status\nPO-1,1,accepted\n'), filename: 'f.csv', supplierId: 'ACME' })
  assert.deepEqual([own.readAs, own.read, own.unreadable], ['own', 1, 0])
  const bad = await previewSupplierFeed(db, { body: Buffer.from('PO;Status\n'), filename: 'f.csv', supplierId: 'ACME' })
  assert.deepEqual(bad.fileProblems, ['line 1: header: missing columns po_number, status'])
  assert.deepEqual(await tableCounts(), { ...before, supplier_profiles: before.supplier_profiles + 1 })
})

test('profiles are stored per supplier, replaced, shown and removed; an unknown supplier is refused', async () => {
  const p = docs('northwind-open-order-report')
  assert.equal(await setProfile(db, 'ACME', p, at), 'created')
  assert.equal(await setProfile(db, 'ACME', p, at), 'replaced')
  assert.deepEqual(await getProfile(db, 'ACME'), p)
  assert.equal(await getProfile(db, 'BOLT'), null)
  await assert.rejects(() => setProfile(db, 'NOPE', p, at), /unknown supplier "NOPE"/)
  assert.equal(await removeProfile(db, 'ACME'), true)
  assert.equal(await removeProfile(db, 'ACME'), false)
})

test('an XLSX posted to the HTTP feed (its own content type) is read under the supplier\'s profile', async () => {
  await setProfile(db, 'PEAK', docs('peak-dropship-inventory'), at)
  const key = await issueSupplierKey(db, 'PEAK')
  const app = await buildApp({ db, clock: new TestClock('2026-11-20T12:00:00Z'), config: { holidays: [], lookupRateLimit: 100 } })
  try {
    const res = await app.inject({
      method: 'POST', url: '/api/suppliers/PEAK/feeds?filename=inventory.xlsx', payload: fixture('peak-inventory.xlsx'),
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', authorization: `Bearer ${key}` },
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.match(res.json().summary[0], /^offers: 3 items: 3 offers found/)
  } finally {
    await app.close()
  }
  const [stove] = await db.query<{ available_qty: number }>(`SELECT available_qty FROM offers WHERE supplier_id = 'PEAK' AND sku = 'STOVE-1'`)
  assert.equal(stove.available_qty, 0)
})
