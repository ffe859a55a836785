import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let root: string
let env: Record<string, string>
before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-profile-cli-'))
  env = { ...(await freshDbEnv(path.join(root, 'data'))), WISMO_NOW: '2026-11-20T12:00:00Z' }
  fs.writeFileSync(path.join(root, 'suppliers.csv'), 'supplier_id,name\nNORTHWIND,Northwind Supply Co.\n')
  const r = await runWismo(['import', 'suppliers', path.join(root, 'suppliers.csv')], env)
  assert.equal(r.code, 0, r.stderr)
})
after(() => fs.rmSync(root, { recursive: true, force: true }))

test('wismo profile set refuses a bad profile with the place and problem, and stores a good one', { timeout: 120_000 }, async () => {
  const bad = path.join(root, 'bad.json')
  fs.writeFileSync(bad, JSON.stringify({ target: 'status', columns: { po_number: 'PO', status: 'Status' }, statuses: { 'B/O': 'late' }, dateFormats: ['MM/dd/yyyy', 'qq'] }))
  const refused = await runWismo(['profile', 'set', 'NORTHWIND', bad], env)
  assert.equal(refused.code, 1)
  assert.equal(refused.stderr, [
    `${bad}: dateFormats.1: is not a date format luxon can read back a full date with (e.g. "MM/dd/yyyy", "dd.MM.yyyy", "d MMM yyyy")`,
    `${bad}: statuses."B/O": "late" is not a status word of the status feed; expected one of accepted, backordered, shipped, cancelled, rejected`,
    `${bad}: the profile has 2 problems; nothing stored`,
    '',
  ].join('\n'))
  assert.equal((await runWismo(['profile', 'show', 'NORTHWIND'], env)).code, 1, 'nothing was stored')
  const good = path.join(repo, 'docs/profiles/northwind-open-order-report.json')
  const set = await runWismo(['profile', 'set', 'NORTHWIND', good], env)
  assert.equal(set.code, 0, set.stderr)
  assert.equal(set.stdout, 'NORTHWIND: profile created (status; 8 columns, 10 status words)\n')
  const shown = await runWismo(['profile', 'show', 'NORTHWIND'], env)
  assert.deepEqual(JSON.parse(shown.stdout).statuses['B/O'], 'backordered')
  const unknown = await runWismo(['profile', 'set', 'NOBODY', good], env)
  assert.deepEqual([unknown.code, unknown.stderr], [1, 'unknown supplier "NOBODY"\n'])
})

test('wismo ingest --dry-run prints each row as read, exits 0, and stores nothing; --json the same as data', { timeout: 120_000 }, async () => {
  const file = path.join(repo, 'test/fixtures/profiles/northwind-open-orders.xlsx')
  const r = await runWismo(['ingest', file, '--supplier', 'NORTHWIND', '--dry-run'], env)
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, [
    `northwind-open-orders.xlsx: dry run, read under NORTHWIND's profile (status) from sheet "Open Orders", header on line 5; nothing is stored or applied`,
    '  line 6: po_number=PO-N100 po_line=1 status=backordered qty=2 expected_ship_date=2026-12-05',
    '  line 7: po_number=PO-N100 po_line=2 status=shipped qty=1 carrier=UPS tracking_number=1Z999AA10123456784',
    '  line 8: po_number=PO-N101 po_line=1 status=backordered qty=1 expected_ship_date=2026-12-18',
    '  line 9: po_number=PO-N102 po_line=1 status=shipped qty=1 expected_ship_date=2026-12-18 carrier=FedEx tracking_number=449044304137821',
    'northwind-open-orders.xlsx: 4 rows: 4 read, 0 unreadable',
    '',
  ].join('\n'))
  const json = await runWismo(['ingest', file, '--supplier', 'NORTHWIND', '--dry-run', '--json'], env)
  const preview = JSON.parse(json.stdout)
  assert.deepEqual([preview.read, preview.unreadable, preview.rows[0].line, preview.rows[0].fields.expected_ship_date], [4, 0, 6, '2026-12-05'])
  const feeds = await runWismo(['feeds', '--json'], env)
  assert.deepEqual(JSON.parse(feeds.stdout).map((m: { kind: string }) => m.kind), ['import_csv'], 'no feed stored (only the suppliers import)')
})

test('a dry run with unreadable rows exits 1 with line and reason; X12 is refused', { timeout: 120_000 }, async () => {
  const csv = path.join(root, 'status.csv')
  // The same report saved as CSV: the title block above, the header on line 5 as the profile says.
  fs.writeFileSync(csv, 'Northwind Supply Co.\nOpen Order Report\nRun date: 11/20/2026\n\nCust PO #,Ln,Line Status,Qty Open,Est. Ship Date\nPO-N100,1,B/O,2 PAL,12/05/2026\nPO-N100,2,Lost,1,13/01/2026\nPO-N101,1,Backorder,1 EA,12/18/2026\n')
  const r = await runWismo(['ingest', csv, '--supplier', 'NORTHWIND', '--dry-run'], env)
  assert.equal(r.code, 1)
  assert.equal(r.stdout, [
    `status.csv: dry run, read under NORTHWIND's profile (status) from CSV, header on line 5; nothing is stored or applied`,
    '  line 6: cannot read: qty: unit "PAL" in "2 PAL" is not known (known units: EA, each)',
    '  line 7: cannot read: status: "Lost" is not a status word of this profile (known: Open, Released, B/O, Backorder, Back Order, Shipped, Partial Ship, Partial, Cancelled, Discontinued, accepted, backordered, shipped, cancelled, rejected)',
    '  line 7: cannot read: expected_ship_date: "13/01/2026" is not a date in YYYY-MM-DD or "MM/dd/yyyy", "M/d/yyyy", "M/d/yy"',
    '  line 8: po_number=PO-N101 po_line=1 status=backordered qty=1 expected_ship_date=2026-12-18',
    'status.csv: 3 rows: 1 read, 2 unreadable',
    '',
  ].join('\n'))
  const x12 = path.join(root, 'ack.edi')
  fs.writeFileSync(x12, 'ISA*00*          *00*          *ZZ*NW             *ZZ*WISMO          *261120*1200*U*00401*000000001*0*P*>~')
  const refused = await runWismo(['ingest', x12, '--supplier', 'NORTHWIND', '--dry-run'], env)
  assert.deepEqual([refused.code, refused.stderr], [2, `${x12}: --dry-run reads CSV and XLSX files; this is X12 (nothing was read or applied)\n`])
})
