import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDb } from '../../src/store/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { freshDbEnv } from '../helpers/db.ts'
import { EXPECTED_REPORT, writeHistory } from './history.ts'

let root: string
let history: string
let n = 0
after(() => fs.rmSync(root, { recursive: true, force: true }))
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-replay-'))
  history = path.join(root, 'history')
  writeHistory(history)
})

/** A fresh database and outbox folder for one run of the command line. */
async function freshEnv(): Promise<Record<string, string>> {
  const dir = path.join(root, `run-${++n}`)
  // SMTP_URL set on purpose: a replay must still write to the outbox folder, never send.
  return { ...(await freshDbEnv(path.join(dir, 'data'))), WISMO_OUTBOX_DIR: path.join(dir, 'outbox'), SMTP_URL: 'smtp://127.0.0.1:1' }
}

/** What a replay leaves behind, table by table (the ingest log aside: a duplicate is recorded as one). */
async function fingerprint(env: Record<string, string>): Promise<Record<string, string>> {
  const db = await openDb({ url: env.DATABASE_URL, dataDir: env.WISMO_DATA_DIR })
  try {
    const out: Record<string, string> = {}
    for (const t of ['suppliers', 'products', 'orders', 'order_lines', 'supplier_signals', 'shipments', 'carrier_events', 'line_state_history',
      'notifications', 'tasks', 'delay_notices', 'outreach_told', 'settings']) {
      const [row] = await db.query<{ n: number; h: string | null }>(`SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${t} t`)
      out[t] = `${row.n} ${row.h}`
    }
    out.outbox = fs.readdirSync(env.WISMO_OUTBOX_DIR).sort().join(',')
    return out
  } finally {
    await db.close()
  }
}

const outboxMail = (env: Record<string, string>) =>
  fs.readdirSync(env.WISMO_OUTBOX_DIR).map((f) => fs.readFileSync(path.join(env.WISMO_OUTBOX_DIR, f), 'utf8'))

test('wismo replay --json: the accuracy report of the replayed span, figures as by hand; messages in the outbox; the bad feed quarantined, not fatal', { timeout: 600_000 }, async () => {
  const env = await freshEnv()
  const r = await runWismo(['replay', history, '--json'], env)
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), EXPECTED_REPORT)
  assert.match(r.stderr, /10 files .*: 9 applied, 0 duplicates \(already taken in\), 1 quarantined/)
  assert.match(r.stderr, /^ {2}feeds\/garbled\.csv \(manifest\.csv line 7\): quarantined: /m)
  // A2's backorder notice and its tracking news reached the outbox as .eml files.
  const mail = outboxMail(env)
  assert.ok(mail.some((m) => /^To: a2@example\.com/m.test(m)), `no message to a2 among ${mail.length}`)
  const notifications = JSON.parse((await runWismo(['notifications', '--order', 'A2', '--json'], env)).stdout) as { triggers: string[]; status: string }[]
  const told = (trigger: string) => notifications.filter((x) => x.triggers.includes(trigger))
  assert.deepEqual([told('backordered').map((x) => x.status), told('shipped').map((x) => x.status)], [['sent'], ['sent']])

  // Twice: every file a duplicate (the bad one quarantined again), no sweep re-run, nothing changed.
  const first = await fingerprint(env)
  const again = await runWismo(['replay', history, '--json'], env)
  assert.equal(again.code, 0, again.stderr)
  assert.deepEqual(JSON.parse(again.stdout), EXPECTED_REPORT)
  assert.match(again.stderr, /0 applied, 9 duplicates \(already taken in\), 1 quarantined/)
  assert.match(again.stderr, /0 sweeps, one every 6h \(\d+ left out: this database was already replayed past them\)/)
  assert.deepEqual(await fingerprint(env), first)
})

test('the same folder replayed into another database gives the same report and the same messages at the same times; the text report names the period', { timeout: 600_000 }, async () => {
  const runs = []
  for (const json of [true, false]) {
    const env = await freshEnv()
    const r = await runWismo(['replay', history, ...(json ? ['--json'] : []), '--sweep-every', '6h'], env)
    assert.equal(r.code, 0, r.stderr)
    const list = JSON.parse((await runWismo(['notifications', '--json'], env)).stdout) as Record<string, unknown>[]
    runs.push({ r, messages: list.map((m) => [m.orderNumber, m.to, m.triggers, m.subject, m.status, m.createdAt, m.sentAt]) })
  }
  assert.deepEqual(runs[0].messages, runs[1].messages)
  assert.ok(runs[0].messages.length >= 2)
  assert.match(runs[1].r.stdout, /lines delivered 2026-11-01 to 2026-11-20/)
  assert.match(runs[1].r.stdout, /ordered\s+2\s+50\.0%\s+50\.0%\s+-2\.5 d\s+7 d\s+8 d/)
  assert.match(runs[1].r.stdout, /1 quarantined/)
})

test('a bad manifest exits 1 with one line per problem naming manifest.csv line N, and applies nothing', { timeout: 300_000 }, async () => {
  const dir = path.join(root, 'bad')
  writeHistory(dir, [
    'at,kind,file,supplier',
    '2026-11-01T12:00:00Z,suppliers,catalog/suppliers.csv,',
    '2026-11-02T15:30:00Z,orders,orders.csv,',
    '2026-11-03T14:00:00Z,invoices,orders.csv,',
    '2026-11-04T14:00:00Z,feed,feeds/missing.csv,ACME',
    'Nov 5 2026,carrier,carrier/1.json,',
    '2026-11-06T14:00:00Z,feed,feeds/acme-2.csv,',
  ])
  const env = await freshEnv()
  const r = await runWismo(['replay', dir], env)
  assert.equal(r.code, 1)
  assert.deepEqual(r.stderr.trim().split('\n'), [
    'manifest.csv line 4: unknown kind "invoices" (expected one of suppliers, products, offers, equivalents, orders, feed, carrier)',
    `manifest.csv line 5: file "feeds/missing.csv" not found (or not readable) in ${dir}`,
    'manifest.csv line 6: at "Nov 5 2026" is not an ISO-8601 date-time (e.g. 2026-11-02T15:00:00Z)',
    'manifest.csv line 7: a feed needs its sending supplier (column supplier)',
  ])
  assert.equal(r.stdout, '')
  // Nothing applied: not even the valid rows before the bad ones.
  assert.deepEqual(JSON.parse((await runWismo(['feeds', '--json'], env)).stdout), [])
  assert.equal((await runWismo(['status', 'A1'], env)).code, 1)

  const noManifest = await runWismo(['replay', path.join(root, 'nowhere')], env)
  assert.equal(noManifest.code, 1)
  assert.match(noManifest.stderr, /manifest\.csv: cannot read the manifest/)
  const usage = await runWismo(['replay', dir, '--sweep-every', '6 hours'], env)
  assert.equal(usage.code, 2)
  assert.match(usage.stderr, /--sweep-every: expected a duration like 30m, 6h or 1d/)
  assert.equal((await runWismo(['replay'], env)).code, 2)
})
