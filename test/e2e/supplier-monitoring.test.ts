import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'

// Issue 3's "done when", with the real CLI: an 855 dropped into the inbox, one sweep, the status;
// its 997; a replay; a broken file; a silent supplier.
const fx = (...p: string[]) => path.join(import.meta.dirname, '../fixtures', ...p)
let dir: string
let inbox: string
let outbox: string
let env: Record<string, string>
const NOW = '2026-11-20T12:00:00Z'
const wismo = (...args: string[]) => runWismo([...args, '--now', NOW], env)

/** Drops a file the way a gateway does, already settled (written a while ago). */
function drop(supplier: string, source: string, name = path.basename(source)): void {
  const target = path.join(inbox, supplier, name)
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.copyFileSync(source, target)
  const past = new Date(Date.now() - 10_000)
  fs.utimesSync(target, past, past)
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-mon-'))
  inbox = path.join(dir, 'inbox')
  outbox = path.join(dir, 'outbox')
  env = { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_INBOX_DIR: inbox, WISMO_OUTBOX_DIR: outbox }
  for (const kind of ['suppliers', 'products', 'orders']) {
    const r = await runWismo(['import', kind, fx('monitoring', `${kind}.csv`), '--now', '2026-11-16T12:00:00Z'], env)
    assert.equal(r.code, 0, r.stderr)
  }
})
after(() => fs.rmSync(dir, { recursive: true, force: true }))

test('an 855 dropped into the inbox shows as backordered with the supplier date after one sweep', async () => {
  drop('ACME', fx('x12', 'wismo', '855-acme-po-w5001.edi'))
  const sweep = await wismo('sweep')
  assert.equal(sweep.code, 0, sweep.stderr)
  assert.match(sweep.stdout, /inbox ACME\/855-acme-po-w5001\.edi: applied/)

  const status = JSON.parse((await wismo('status', 'W5001', '--json')).stdout)
  const stove = status.lines.find((l: { sku: string }) => l.sku === 'STOVE-1')
  assert.equal(stove.state, 'backordered')
  assert.equal(stove.expectedShipDate, '2026-12-10')
  assert.equal(stove.eta.source, 'supplier')
  // Rejected, and nothing to switch to: cancelled in the same sweep (reason rejected; DESIGN.md "The law on delays").
  assert.equal(status.lines.find((l: { sku: string }) => l.sku === 'BOOT-TRL-42').state, 'cancelled')
  assert.deepEqual(status.lines.find((l: { sku: string }) => l.sku === 'LAMP-ARC').quantities, { delayed: 3, backordered: 2 }) // BP: 3 accepted (now past the promise), 2 backordered

  const ack = fs.readFileSync(path.join(inbox, 'ACME', 'acks', '855-acme-po-w5001.edi.997'), 'utf8')
  assert.match(ack, /^ISA/)
  assert.match(ack, /AK1\*PR\*101/)
  assert.equal(fs.readdirSync(path.join(inbox, 'ACME')).filter((f) => f.endsWith('.edi')).length, 0, 'the file was archived')

  const tasks = JSON.parse((await wismo('tasks', '--json')).stdout)
  assert.ok(tasks.some((t: { kind: string; orderNumber: string; lineNo: number }) => t.kind === 'backordered' && t.orderNumber === 'W5001' && t.lineNo === 2))
  assert.ok(tasks.some((t: { kind: string }) => t.kind === 'auto_cancelled'))
})

test('a replay into the inbox is a duplicate and changes nothing', async () => {
  const before = (await wismo('status', 'W5001', '--json')).stdout
  drop('ACME', fx('x12', 'wismo', '855-acme-po-w5001.edi'), 'resent.edi')
  const sweep = await wismo('sweep')
  assert.match(sweep.stdout, /inbox ACME\/resent\.edi: duplicate/)
  assert.equal((await wismo('status', 'W5001', '--json')).stdout, before)
})

test('a broken file is quarantined with its reason, kept, and listed', async () => {
  drop('ACME', fx('x12', 'wismo', '855-acme-bad-count.edi'))
  const sweep = await wismo('sweep')
  assert.match(sweep.stdout, /855-acme-bad-count\.edi: quarantined/)
  const q = path.join(inbox, 'ACME', 'quarantine')
  assert.ok(fs.existsSync(path.join(q, '855-acme-bad-count.edi')))
  assert.match(fs.readFileSync(path.join(q, '855-acme-bad-count.edi.reason.txt'), 'utf8'), /segment #\d+ \(\w+\)/)
  const feeds = JSON.parse((await wismo('feeds', '--json')).stdout)
  const bad = feeds.find((f: { filename: string }) => f.filename === '855-acme-bad-count.edi')
  assert.equal(bad.status, 'quarantined')
  assert.ok(bad.reason.length > 10)
})

test('a silent supplier gets a status request by mail (CSV attached) and a rep task', async () => {
  const r = await runWismo(['sweep', '--now', '2026-11-21T09:00:00Z'], env)
  assert.equal(r.code, 0, r.stderr)
  const mails = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'))
  const quiet = mails.map((f) => fs.readFileSync(path.join(outbox, f), 'utf8')).find((m) => m.includes('orders@quietcreek.example'))
  assert.ok(quiet, 'a status request to the silent supplier')
  assert.match(quiet!, /Content-Disposition: attachment;\s+filename=\S+\.csv/)
  const tasks = JSON.parse((await wismo('tasks', '--json')).stdout)
  assert.ok(tasks.some((t: { kind: string; supplierId: string }) => t.kind === 'supplier_silent' && t.supplierId === 'QUIET'))
  assert.ok(!tasks.some((t: { kind: string; supplierId: string }) => t.kind === 'supplier_silent' && t.supplierId === 'ACME'), 'ACME sent a feed')
  const notes = JSON.parse((await runWismo(['notifications', '--json'], env)).stdout)
  assert.ok(notes.some((n: { to: string; status: string }) => n.to === 'orders@quietcreek.example' && n.status === 'sent'))
})
