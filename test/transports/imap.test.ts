import { test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import os from 'node:os'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import type { Db } from '../../src/store/db.ts'
import { freshDb, freshDbEnv } from '../helpers/db.ts'
import { runWismo } from '../helpers/cli.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startImapServer, type ImapServer } from '../support/imap-server.ts'
import { saveMailbox, claimDueMailboxes, type ImapTransport } from '../../src/transports/imap-store.ts'
import { connectionFor, pollMailbox, pollDueMailboxes } from '../../src/transports/imap.ts'
import { takeMessage } from '../../src/transports/imap-message.ts'
import { setProfile } from '../../src/feeds/profiles/profile-store.ts'
import { parseProfile } from '../../src/feeds/profiles/profile-schema.ts'

const SECRET = 'imap-test-secret-0123456789abcdef-xyz'
const X855 = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/x12/wismo/855-acme-po-w5001.edi'))
const HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'
const CSV = Buffer.from(`${HEADER}\nPO-W5001,1,TENT-2P-GRN,backordered,2,2026-12-01,,\n`)

let server: ImapServer
let db: Db
let n = 0
let folder: string

before(async () => {
  server = await startImapServer()
})
after(() => server?.close())

beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, {
    orderNumber: 'W5001', email: 'dana@example.com', placedAt: '2026-11-16T10:00:00Z', promisedShipDate: '2026-11-25',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 3, supplierId: 'ACME', poNumber: 'PO-W5001', poLine: '2' },
    ],
  })
  // Each test has its own folders on the one server.
  folder = `t${++n}`
})
afterEach(() => db.close())

type Attachment = { filename: string; content: Buffer | string; contentType?: string }
async function email(from: string, subject: string, attachments: Attachment[] = [], text = 'Please find attached.'): Promise<Buffer> {
  return new MailComposer({ from, to: 'orders@trailhead.example', subject, text, attachments }).compile().build()
}

async function mailbox(settings: Record<string, unknown> = {}, url = `imap://${server.user}@${server.host}:${server.port}/${folder}`): Promise<ImapTransport> {
  const { transport } = await saveMailbox(db, {
    url, password: server.password, secret: SECRET, now: new Date('2026-11-20T09:00:00Z'),
    settings: { doneFolder: `${folder}-done`, heldFolder: `${folder}-held`, ...settings },
  })
  return transport
}

const poll = (t: ImapTransport, at = '2026-11-20T09:30:00Z') => pollMailbox(db, t, { now: new Date(at), secret: SECRET })
const count = async (sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0].n
const health = async () => (await db.query<Record<string, any>>(`SELECT * FROM supplier_transports`))[0]
async function append(raw: Buffer) {
  await server.append(raw, folder)
}

test('a supplier emails a CSV and an X12 855: both ingested as the supplier, lines updated, the message moved and never taken again', async () => {
  const t = await mailbox()
  await append(await email('Acme Orders <Orders@Acme.example>', 'Status', [
    { filename: 'status.csv', content: CSV, contentType: 'text/csv' },
    { filename: 'ack.edi', content: X855, contentType: 'application/edi-x12' },
    { filename: 'logo.png', content: Buffer.from('89504e47', 'hex'), contentType: 'image/png' },
  ]))
  const r = await poll(t)
  assert.ok(r.ok, r.ok ? '' : r.error)
  assert.equal(r.messages.length, 1)
  const [m] = r.messages
  assert.equal(m.outcome, 'done')
  assert.equal(m.supplierId, 'ACME')
  assert.deepEqual(m.files.map((f) => [f.filename, f.outcome]), [['status.csv', 'applied'], ['ack.edi', 'applied']])
  const feeds = await db.query<{ kind: string; supplier_id: string; source: string }>(`SELECT kind, supplier_id, source FROM inbound_messages ORDER BY message_id`)
  assert.deepEqual(feeds.map((f) => [f.kind, f.supplier_id]), [['supplier_csv', 'ACME'], ['x12', 'ACME']])
  // The stove's line moved by the 855 (backordered to Dec 10), the tent's by the CSV.
  const stove = await db.query<{ status: string }>(`SELECT s.status FROM supplier_signals s JOIN po_lines p USING (po_line_id) WHERE p.sku = 'STOVE-1'`)
  assert.ok(stove.some((s) => s.status === 'backordered'))
  const tent = await db.query<{ status: string }>(`SELECT s.status FROM supplier_signals s JOIN po_lines p USING (po_line_id) WHERE p.sku = 'TENT-2P-GRN'`)
  assert.ok(tent.some((s) => s.status === 'backordered'))
  assert.deepEqual(await server.list(folder), [])
  const done = await server.list(`${folder}-done`)
  assert.equal(done.length, 1)
  assert.equal(done[0].seen, true)
  assert.equal(await count('transport_files WHERE message_id IS NOT NULL AND archived_at IS NOT NULL'), 2)
  const h = await health()
  assert.equal(h.failures, 0)
  assert.equal(h.last_file_at.toISOString(), '2026-11-20T09:30:00.000Z')
  assert.equal(h.next_poll_at.toISOString(), '2026-11-20T09:35:00.000Z')

  const signals = await count('supplier_signals')
  const again = await poll(t, '2026-11-20T09:40:00Z')
  assert.ok(again.ok)
  assert.equal(again.messages.length, 0)
  assert.equal(await count('supplier_signals'), signals)
  assert.equal(await count('inbound_messages'), 2)
})

test('a supplier that emails an XLSX in its own columns (under its profile) updates its order lines with no hand work', async () => {
  await setProfile(db, 'ACME', parseProfile(fs.readFileSync(path.join(import.meta.dirname, '../../docs/profiles/northwind-open-order-report.json'), 'utf8')), new Date('2026-11-20T09:00:00Z'))
  const line = (poLine: string, sku: string) => ({ lineNo: Number(poLine), sku, qty: 2, supplierId: 'ACME', poNumber: 'PO-N100', poLine })
  await seedOrder(db, { orderNumber: 'W100', email: 'a@example.com', placedAt: '2026-11-16T10:00:00Z', lines: [line('1', 'TENT-2P-GRN'), line('2', 'STOVE-1')] })
  const xlsx = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/profiles/northwind-open-orders.xlsx'))
  const t = await mailbox()
  await append(await email('orders@acme.example', 'Open Order Report', [{ filename: 'Open Order Report.xlsx', content: xlsx, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }]))
  const r = await poll(t)
  assert.ok(r.ok, r.ok ? '' : r.error)
  assert.deepEqual(r.messages.map((m) => [m.outcome, m.files.map((f) => [f.filename, f.outcome])]), [['done', [['Open Order Report.xlsx', 'applied']]]])
  const [f] = await db.query<{ filename: string; supplier_id: string; body: Buffer }>(`SELECT filename, supplier_id, body FROM inbound_messages`)
  assert.deepEqual([f.filename, f.supplier_id], ['Open Order Report.xlsx', 'ACME'])
  assert.ok(Buffer.from(f.body).equals(xlsx), 'the bytes as sent')
  const signals = await db.query<{ po_line: string; status: string; day: string | null; matched: boolean }>(
    `SELECT po_line, status, to_char(expected_ship_date, 'YYYY-MM-DD') AS day, po_line_id IS NOT NULL AS matched FROM supplier_signals WHERE po_number = 'PO-N100' ORDER BY po_line`,
  )
  assert.deepEqual(signals.map((s) => [s.po_line, s.status, s.day, s.matched]), [['1', 'backordered', '2026-12-05', true], ['2', 'shipped', null, true]])
  assert.equal((await server.list(`${folder}-done`)).length, 1)
})

test('the same attachment in a second email is a duplicate: nothing applied twice', async () => {
  const t = await mailbox()
  await append(await email('orders@acme.example', 'Status', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
  await poll(t)
  const signals = await count('supplier_signals')
  await append(await email('orders@acme.example', 'Status (resent)', [{ filename: 'status-again.csv', content: CSV, contentType: 'application/octet-stream' }]))
  const r = await poll(t, '2026-11-20T10:00:00Z')
  assert.ok(r.ok)
  assert.deepEqual(r.messages.map((m) => [m.outcome, m.files.map((f) => f.outcome)]), [['done', ['duplicate']]])
  assert.equal(await count('supplier_signals'), signals)
  assert.equal((await server.list(`${folder}-done`)).length, 2)
})

test('unknown sender, no attachment, an unreadable CSV: each kept raw with the reason, a rep task, moved to held', async () => {
  const t = await mailbox()
  await append(await email('stranger@example.net', 'Hello', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
  await append(await email('orders@acme.example', 'Tent is late', [], 'The tent ships on Dec 1.'))
  await append(await email('orders@acme.example', 'Garbage', [{ filename: 'status.csv', content: 'this,is\nnot,a feed\n', contentType: 'text/csv' }]))
  const r = await poll(t)
  assert.ok(r.ok, r.ok ? '' : r.error)
  assert.deepEqual(r.messages.map((m) => m.outcome), ['held', 'held', 'held'])
  const held = await db.query<{ error: string; supplier_id: string | null; body: Buffer }>(
    `SELECT error, supplier_id, body FROM inbound_messages WHERE kind = 'email' AND status = 'quarantined' ORDER BY message_id`,
  )
  assert.equal(held.length, 3)
  assert.match(held[0].error, /^unknown sender stranger@example\.net/)
  assert.equal(held[1].error, 'no attachment')
  assert.match(held[2].error, /^unreadable attachment: status\.csv: /)
  assert.deepEqual(held.map((h) => h.supplier_id), [null, 'ACME', 'ACME'])
  assert.match(held[0].body.toString(), /Subject: Hello/)
  // The garbage file itself is quarantined as the supplier's feed, too; nothing was applied.
  assert.equal(await count(`inbound_messages WHERE kind = 'supplier_csv' AND status = 'quarantined'`), 1)
  assert.equal(await count('supplier_signals'), 0)
  const tasks = await db.query<{ title: string }>(`SELECT title FROM tasks WHERE kind = 'email_held' AND status = 'open' ORDER BY task_id`)
  assert.equal(tasks.length, 3)
  assert.match(tasks[0].title, /^Email from stranger@example\.net kept for a rep: unknown sender/)
  assert.match(tasks[1].title, /^Email from orders@acme\.example kept for a rep: no attachment/)
  assert.deepEqual(await server.list(folder), [])
  assert.equal((await server.list(`${folder}-held`)).length, 3)
  const again = await poll(t, '2026-11-20T10:00:00Z')
  assert.ok(again.ok)
  assert.equal(again.messages.length, 0)
  assert.equal(await count('tasks'), 3)
})

test('a sender listed in the mailbox settings counts as that supplier', async () => {
  const t = await mailbox({ senders: { 'edi@acme-logistics.example': 'ACME' } })
  await append(await email('EDI <EDI@acme-logistics.example>', 'acks', [{ filename: 'ack.x12', content: X855, contentType: 'text/plain' }]))
  const r = await poll(t)
  assert.ok(r.ok)
  assert.deepEqual(r.messages.map((m) => [m.outcome, m.supplierId]), [['done', 'ACME']])
})

test('the server away: failures counted with backoff, nothing lost; taken in once it answers', async () => {
  const t = await mailbox({}, `imap://${server.user}@127.0.0.1:1/${folder}`)
  await append(await email('orders@acme.example', 'Status', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
  const first = await poll(t, '2026-11-20T09:30:00Z')
  assert.equal(first.ok, false)
  let h = await health()
  assert.equal(h.failures, 1)
  assert.ok(h.last_error)
  assert.equal(h.next_poll_at.toISOString(), '2026-11-20T09:40:00.000Z', 'the interval doubled')
  const second = await pollMailbox(db, { ...t, failures: 1 }, { now: new Date('2026-11-20T09:40:00Z'), secret: SECRET })
  assert.equal(second.ok, false)
  h = await health()
  assert.equal(h.failures, 2)
  assert.equal(h.next_poll_at.toISOString(), '2026-11-20T10:00:00.000Z', 'and doubled again')
  // Not due before then; due after.
  assert.equal((await claimDueMailboxes(db, new Date('2026-11-20T09:59:00Z'))).length, 0)
  await db.query(`UPDATE supplier_transports SET url = $1`, [server.url.replace('/INBOX', `/${folder}`)])
  const results = await pollDueMailboxes(db, { now: new Date('2026-11-20T10:00:00Z'), secret: SECRET })
  assert.deepEqual(results.map((r) => [r.ok, r.messages.map((m) => m.outcome)]), [[true, ['done']]])
  h = await health()
  assert.equal(h.failures, 0)
  assert.equal(h.last_error, null)
  assert.equal(await count(`inbound_messages WHERE status = 'applied'`), 1)
})

test('a wrong password is a failed poll that says so', async () => {
  const t = await mailbox()
  await saveMailbox(db, { url: t.url, password: 'wrong', secret: SECRET, now: new Date('2026-11-20T09:00:00Z'), settings: {} })
  const r = await poll({ ...t, credentials: (await health()).credentials })
  assert.equal(r.ok, false)
  assert.match(r.ok ? '' : r.error, /login refused|AUTHENTICATIONFAILED|Authentication failed/i)
})

test('stopped between ingest and move: the next poll takes the message again and doubles nothing', async () => {
  const t = await mailbox()
  await append(await email('orders@acme.example', 'Status', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }, { filename: 'ack.edi', content: X855 }]))
  await append(await email('stranger@example.net', 'Hello'))
  // The first poll's parts, run by hand: each message taken in, and then the process "dies" before moving them.
  const { client, folder: box } = connectionFor(t, SECRET)
  await client.connect()
  const lock = await client.getMailboxLock(box)
  const validity = String(client.mailbox && client.mailbox.uidValidity)
  for (const uid of (await client.search({ all: true }, { uid: true })) || []) {
    await takeMessage({ db, client, transport: t, prefix: `${box}:${validity}:${uid}`, now: new Date('2026-11-20T09:30:00Z') }, uid)
  }
  lock.release()
  client.close()
  const before = { signals: await count('supplier_signals'), messages: await count('inbound_messages'), tasks: await count('tasks'), files: await count('transport_files') }
  assert.equal(before.messages, 3)
  // And one part whose message id was never written back (stopped between ingest and that write).
  await db.query(`UPDATE transport_files SET message_id = NULL WHERE remote_name LIKE '%status.csv'`)
  const r = await poll(t, '2026-11-20T09:40:00Z')
  assert.ok(r.ok, r.ok ? '' : r.error)
  assert.deepEqual(r.messages.map((m) => m.outcome), ['done', 'held'])
  assert.equal(await count('supplier_signals'), before.signals)
  assert.equal(await count(`inbound_messages WHERE status IN ('applied', 'quarantined')`), 3)
  assert.equal(await count(`inbound_messages WHERE status = 'duplicate'`), 1, 'the re-ingested CSV is recorded as a duplicate delivery')
  assert.equal(await count('tasks'), before.tasks)
  assert.equal(await count('transport_files'), before.files)
  assert.equal((await server.list(`${folder}-done`)).length, 1)
  assert.equal((await server.list(`${folder}-held`)).length, 1)
})

test('wismo mailbox poll killed (SIGKILL) after taking a message in, before moving it: the next poll doubles nothing', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-mailbox-kill-'))
  try {
    const env = { ...(await freshDbEnv(dir)), WISMO_IMAP_PASSWORD: server.password, WISMO_NOW: '2026-11-20T09:30:00Z' }
    const url = `imap://${server.user}@${server.host}:${server.port}/${folder}`
    const suppliers = path.join(dir, 'suppliers.csv')
    fs.writeFileSync(suppliers, 'supplier_id,name,email,phone,edi_id,lead_time_days\nACME,Acme Outdoor Supply,orders@acme.example,,ACMEEDI,3\n')
    assert.equal((await runWismo(['import', 'suppliers', suppliers], env)).code, 0)
    assert.equal((await runWismo(['mailbox', 'set', url, '--done-folder', `${folder}-done`, '--held-folder', `${folder}-held`], env)).code, 0)
    await append(await email('orders@acme.example', 'Status', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
    await append(await email('stranger@example.net', 'Hello', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
    // Killed after the first message was taken in, before it was moved; twice (the second run takes it again and is killed again).
    for (let i = 0; i < 2; i++) {
      const killed = await runWismo(['mailbox', 'poll'], { ...env, WISMO_CRASH_AT: 'imap.move' })
      assert.notEqual(killed.code, 0)
    }
    assert.equal((await server.list(folder)).length, 2, 'both still in the folder')
    const again = await runWismo(['mailbox', 'poll', '--json'], env)
    assert.equal(again.code, 0, again.stderr)
    const [r] = JSON.parse(again.stdout)
    assert.deepEqual(r.messages.map((m: { outcome: string }) => m.outcome), ['done', 'held'])
    assert.equal((await server.list(folder)).length, 0)
    assert.equal((await server.list(`${folder}-done`)).length, 1)
    assert.equal((await server.list(`${folder}-held`)).length, 1)
    const feeds = JSON.parse((await runWismo(['feeds', '--json'], env)).stdout) as { kind: string; status: string }[]
    assert.deepEqual(feeds.filter((f) => f.kind !== 'import_csv').map((f) => [f.kind, f.status]).sort(), [['email', 'quarantined'], ['supplier_csv', 'applied']], 'each taken once')
    const tasks = JSON.parse((await runWismo(['tasks', '--json'], env)).stdout) as { kind: string }[]
    assert.equal(tasks.filter((t) => t.kind === 'email_held').length, 1)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('keepInInbox: messages only flagged seen, and not taken again', async () => {
  const t = await mailbox({ keepInInbox: true })
  await append(await email('orders@acme.example', 'Status', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
  const r = await poll(t)
  assert.ok(r.ok)
  assert.equal(r.messages.length, 1)
  assert.deepEqual((await server.list(folder)).map((m) => m.seen), [true])
  const again = await poll(t, '2026-11-20T10:00:00Z')
  assert.ok(again.ok)
  assert.equal(again.messages.length, 0)
})

test('two workers claiming at once never take the same mailbox', async () => {
  await mailbox()
  const now = new Date('2026-11-20T09:30:00Z')
  const [a, b] = await Promise.all([claimDueMailboxes(db, now), claimDueMailboxes(db, now)])
  assert.equal(a.length + b.length, 1)
})

test('the worker job polls due mailboxes', async () => {
  const { recurringJobs } = await import('../../src/jobs/queue.ts')
  const { loadConfig } = await import('../../src/config.ts')
  await mailbox()
  await append(await email('orders@acme.example', 'Status', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
  const clock = { now: () => new Date('2026-11-20T09:30:00Z') }
  const job = recurringJobs(db, { clock, config: loadConfig({ WISMO_DATA_DIR: '/tmp/wismo-no-such-dir', WISMO_SECRET: SECRET }) }).find((j) => j.name === 'transports.imap')
  assert.ok(job && job.everySeconds <= 60)
  assert.deepEqual(await job.run(), { mailboxes: 1, failed: 0, taken: 1, held: 0 })
  assert.deepEqual(await job.run(), { mailboxes: 0, failed: 0, taken: 0, held: 0 }, 'not due again before its interval')
})

test('wismo mailbox set, poll and list', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-mailbox-cli-'))
  try {
    const env = { ...(await freshDbEnv(dir)), WISMO_IMAP_PASSWORD: server.password, WISMO_NOW: '2026-11-20T09:30:00Z' }
    const url = `imap://${server.user}@${server.host}:${server.port}/${folder}`
    const noPassword = await runWismo(['mailbox', 'set', url], { ...env, WISMO_IMAP_PASSWORD: '' })
    assert.equal(noPassword.code, 1)
    assert.match(noPassword.stderr, /--password-stdin or WISMO_IMAP_PASSWORD/)
    const set = await runWismo(['mailbox', 'set', url, '--every', '10m', '--done-folder', `${folder}-ok`, '--held-folder', `${folder}-kept`], env)
    assert.equal(set.code, 0, set.stderr)
    assert.match(set.stdout, /added mailbox imap:\/\/wismo@127\.0\.0\.1:\d+\/t\d+ \(password sealed with the signing secret\): every 10 min/)
    await append(await email('stranger@example.net', 'Hi there', [{ filename: 'x.csv', content: CSV, contentType: 'text/csv' }]))
    const poll = await runWismo(['mailbox', 'poll'], env)
    assert.equal(poll.code, 0, poll.stderr)
    assert.match(poll.stdout, /0 messages taken in, 1 kept for a rep/)
    assert.match(poll.stdout, /kept: stranger@example\.net: unknown sender stranger@example\.net/)
    assert.equal((await server.list(`${folder}-kept`)).length, 1)
    const list = await runWismo(['mailbox', 'list', '--json'], env)
    const [m] = JSON.parse(list.stdout)
    assert.equal(m.url, url)
    assert.equal(m.credentials, undefined, 'the sealed password is not shown')
    assert.equal(m.settings.everySeconds, 600)
    assert.equal(m.health.lastSuccessAt, '2026-11-20T09:30:00.000Z')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a message the database fails on stays in the folder for the next poll; the others are taken', async () => {
  const t = await mailbox()
  // A real database error for one file only: a trigger refusing its row.
  await db.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.filename = 'poison.csv' THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$`)
  await db.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON inbound_messages FOR EACH ROW EXECUTE FUNCTION refuse_poison()`)
  await append(await email('orders@acme.example', 'Poison', [{ filename: 'poison.csv', content: CSV, contentType: 'text/csv' }]))
  await append(await email('orders@acme.example', 'Status', [{ filename: 'status.csv', content: CSV, contentType: 'text/csv' }]))
  const r = await poll(t)
  assert.equal(r.ok, false)
  assert.match(r.ok ? '' : r.error, /^message 1: .*disk full \(test\)/)
  assert.deepEqual(r.messages.map((m) => [m.uid, m.outcome]), [[2, 'done']])
  assert.deepEqual((await server.list(folder)).map((m) => m.subject), ['Poison'])
  assert.equal((await health()).failures, 1)
  await db.query(`DROP TRIGGER refuse_poison ON inbound_messages`)
  const again = await poll({ ...t, failures: 1 }, '2026-11-20T10:00:00Z')
  assert.ok(again.ok)
  assert.deepEqual(again.messages.map((m) => [m.uid, m.outcome, m.files.map((f) => f.outcome)]), [[1, 'done', ['duplicate']]])
  assert.deepEqual(await server.list(folder), [])
})

test('imaps:// is TLS with the certificate checked: refused untrusted, taken once its CA is trusted (NODE_EXTRA_CA_CERTS)', async () => {
  const tlsServer = await startImapServer({ tls: true })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-mailbox-tls-'))
  try {
    const env = { ...(await freshDbEnv(dir)), WISMO_IMAP_PASSWORD: tlsServer.password, WISMO_NOW: '2026-11-20T09:30:00Z' }
    const url = `imaps://${tlsServer.user}@localhost:${tlsServer.tlsPort}/INBOX`
    assert.equal((await runWismo(['mailbox', 'set', url], env)).code, 0)
    await tlsServer.append(await email('stranger@example.net', 'Over TLS'))
    const untrusted = await runWismo(['mailbox', 'poll'], env)
    assert.equal(untrusted.code, 1)
    assert.match(untrusted.stderr, /poll failed \(1 in a row\): .*(self[- ]signed|certificate)/i)
    assert.equal((await tlsServer.list()).length, 1, 'nothing taken')
    const trusted = await runWismo(['mailbox', 'poll'], { ...env, NODE_EXTRA_CA_CERTS: tlsServer.certFile! })
    assert.equal(trusted.code, 0, trusted.stderr)
    assert.match(trusted.stdout, /0 messages taken in, 1 kept for a rep/)
    assert.equal((await tlsServer.list()).length, 0)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    await tlsServer.close()
  }
})
