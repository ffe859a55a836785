import { test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { createMailer } from '../../src/notify/mailer.ts'
import { CLAIM_LEASE_MS, MAX_ATTEMPTS, backoffMs, dispatchDue, enqueueMessage, toPayloadAttachment, type EnqueueInput } from '../../src/notify/outbox.ts'
import { attachment, parseMime, startSmtp, type TestSmtp } from './mail-helpers.ts'
import { simpleParser } from 'mailparser'

const t0 = new Date('2026-11-20T14:00:00Z')
const at = (ms: number) => new Date(t0.getTime() + ms)
const MIN = 60_000
const CSV = 'po_number,po_line\r\nPO-77,1\r\n'

let smtp: TestSmtp
let db: Db
before(async () => {
  smtp = await startSmtp()
})
after(() => smtp.close())
beforeEach(async () => {
  db = await freshDb()
  smtp.received.length = 0
  smtp.rejectRcpt = 0
  smtp.rejectRcptCode = 451
})
afterEach(() => db.close())

const input = (over: Partial<EnqueueInput> = {}): EnqueueInput => ({
  channel: 'email',
  recipient: 'orders@acme.example',
  trigger: 'status_request',
  dedupeKey: 'status-request:ACME:2026-11-20',
  subject: 'Status request',
  body: 'Please send the status of PO-77 line 1.',
  payload: { from: 'Shop <wismo@shop.example>', attachments: [toPayloadAttachment({ filename: 'lines.csv', content: CSV, contentType: 'text/csv' })] },
  supplierId: 'ACME',
  now: t0,
  ...over,
})

const enqueue = (over: Partial<EnqueueInput> = {}) => db.transaction((tx) => enqueueMessage(tx, input(over)))
const row = async (key = input().dedupeKey) =>
  (await db.query<{ notification_id: number; status: string; attempts: number; next_attempt_at: Date | null; last_error: string | null; sent_at: Date | null; delivery: { messageId: string } | null }>(
    'SELECT * FROM notifications WHERE dedupe_key = $1', [key]))[0]

test('a message is queued exactly once per dedupe key', async () => {
  assert.equal(await enqueue(), true)
  assert.equal(await enqueue({ subject: 'another subject' }), false)
  const rows = await db.query<{ subject: string; status: string; supplier_id: string; created_at: Date }>('SELECT * FROM notifications')
  assert.equal(rows.length, 1)
  assert.deepEqual([rows[0].subject, rows[0].status, rows[0].supplier_id, rows[0].created_at.toISOString()], ['Status request', 'queued', 'ACME', t0.toISOString()])
})

test('a message queued in a transaction that rolls back does not exist', async () => {
  await assert.rejects(db.transaction(async (tx) => {
    await enqueueMessage(tx, input())
    throw new Error('the decision failed')
  }))
  assert.equal((await db.query('SELECT 1 FROM notifications')).length, 0)
})

test('dispatch sends a due message over SMTP, rebuilt from its row, and marks it sent', async () => {
  await enqueue()
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' })
  assert.deepEqual(await dispatchDue(db, mailer, { now: t0 }), { claimed: 1, held: 0, sent: 1, retried: 0, failed: 0, dead: 0 })
  const r = await row()
  assert.equal(r.status, 'sent')
  assert.equal(r.attempts, 1)
  assert.equal(r.sent_at?.toISOString(), t0.toISOString())
  assert.equal(smtp.received.length, 1)
  const mime = parseMime(smtp.received[0].raw)
  assert.equal(mime.headers.from, 'Shop <wismo@shop.example>')
  assert.equal(mime.headers['message-id'], r.delivery?.messageId)
  assert.match(mime.headers['message-id'], new RegExp(`^<wismo\\.${r.notification_id}\\.[0-9a-f]{12}@shop\\.example>$`))
  assert.equal(attachment(mime, 'lines.csv'), CSV)
  assert.deepEqual(await dispatchDue(db, mailer, { now: at(60 * MIN) }), { claimed: 0, held: 0, sent: 0, retried: 0, failed: 0, dead: 0 })
})

test('a refused message is retried with backoff (1 min, then 5) and sent once the server takes it', async () => {
  await enqueue()
  smtp.rejectRcpt = 2
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' })
  assert.equal((await dispatchDue(db, mailer, { now: t0 })).retried, 1)
  let r = await row()
  assert.deepEqual([r.status, r.attempts, r.next_attempt_at?.toISOString()], ['queued', 1, at(MIN).toISOString()])
  assert.match(r.last_error ?? '', /451.*try later/)
  assert.equal((await dispatchDue(db, mailer, { now: at(MIN - 1) })).claimed, 0) // not due yet
  assert.equal((await dispatchDue(db, mailer, { now: at(MIN) })).retried, 1)
  r = await row()
  assert.deepEqual([r.attempts, r.next_attempt_at?.toISOString()], [2, at(6 * MIN).toISOString()])
  assert.equal((await dispatchDue(db, mailer, { now: at(6 * MIN) })).sent, 1)
  r = await row()
  assert.deepEqual([r.status, r.attempts, r.last_error], ['sent', 3, null])
  assert.equal(smtp.received.length, 1)
})

test(`after ${MAX_ATTEMPTS} transient failures a message is dead, with its last error and a rep task`, async () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n) / MIN), [1, 5, 25, 125, 360, 360, 360])
  await enqueue()
  smtp.rejectRcpt = 1000
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' })
  let now = t0
  for (let i = 1; i <= MAX_ATTEMPTS; i++) {
    const s = await dispatchDue(db, mailer, { now })
    assert.equal(s.claimed, 1, `attempt ${i}`)
    const r = await row()
    if (r.next_attempt_at) now = r.next_attempt_at
  }
  const r = await row()
  assert.deepEqual([r.status, r.attempts, r.next_attempt_at], ['dead', MAX_ATTEMPTS, null])
  assert.match(r.last_error ?? '', /451/)
  const tasks = await db.query<{ kind: string }>(`SELECT kind FROM tasks WHERE status = 'open'`)
  assert.deepEqual(tasks.map((t) => t.kind), ['message_undelivered'])
  assert.equal((await dispatchDue(db, mailer, { now: at(30 * 24 * 60 * MIN) })).claimed, 0)
  assert.equal(smtp.received.length, 0)
})

test('two dispatchers running at once send every message exactly once', async () => {
  for (let i = 0; i < 12; i++) await enqueue({ dedupeKey: `k${i}`, recipient: `r${i}@acme.example` })
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' })
  const runs = await Promise.all([1, 2, 3].map(() => dispatchDue(db, mailer, { now: t0, limit: 5 })))
  const again = await Promise.all([1, 2].map(() => dispatchDue(db, mailer, { now: t0, limit: 50 })))
  const sent = [...runs, ...again].reduce((n, s) => n + s.sent, 0)
  assert.equal(sent, 12)
  const to = smtp.received.flatMap((m) => m.to).sort()
  assert.equal(to.length, 12)
  assert.equal(new Set(to).size, 12)
  const rows = await db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM notifications')
  assert.ok(rows.every((r) => r.status === 'sent' && r.attempts === 1))
})

test('without SMTP the message lands in the outbox folder; a resend after a crash replaces the same file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-outbox-'))
  try {
    await enqueue()
    const mailer = createMailer({ outboxDir: dir })
    assert.equal((await dispatchDue(db, mailer, { now: t0 })).sent, 1)
    const [file] = fs.readdirSync(dir)
    assert.match(file, /^20261120T140000000Z-wismo\.\d+\.[0-9a-f]{12}_shop\.example\.eml$/)
    assert.equal(attachment(parseMime(fs.readFileSync(path.join(dir, file), 'utf8')), 'lines.csv'), CSV)
    // A worker that wrote the file but died before recording it: the row is still queued and leased.
    await db.query(`UPDATE notifications SET status = 'queued', sent_at = NULL, next_attempt_at = $1`, [at(CLAIM_LEASE_MS)])
    assert.equal((await dispatchDue(db, mailer, { now: at(CLAIM_LEASE_MS - 1) })).claimed, 0) // still leased
    assert.equal((await dispatchDue(db, mailer, { now: at(CLAIM_LEASE_MS) })).sent, 1)
    assert.deepEqual(fs.readdirSync(dir), [file])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a permanent 5xx SMTP reply is final at once: failed, not retried', async () => {
  await enqueue()
  smtp.rejectRcptCode = 550
  smtp.rejectRcpt = 1
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' })
  assert.deepEqual(await dispatchDue(db, mailer, { now: t0 }), { claimed: 1, held: 0, sent: 0, retried: 0, failed: 1, dead: 0 })
  const r = await row()
  assert.deepEqual([r.status, r.attempts, r.next_attempt_at], ['failed', 1, null])
  assert.match(r.last_error ?? '', /550/)
})

test('a message whose payload cannot be read is failed at once, not retried', async () => {
  await db.query(
    `INSERT INTO notifications (channel, recipient, trigger, dedupe_key, subject, body, payload, next_attempt_at, created_at)
     VALUES ('email', 'x@acme.example', 'test', 'bad', 's', 'b', '{"attachments": "oops"}', $1, $1)`,
    [t0],
  )
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' })
  assert.deepEqual(await dispatchDue(db, mailer, { now: t0 }), { claimed: 1, held: 0, sent: 0, retried: 0, failed: 1, dead: 0 })
  const r = await row('bad')
  assert.equal(r.status, 'failed')
  assert.match(r.last_error ?? '', /unreadable payload/)
})

test('the sender: a name and address object is quoted by nodemailer; no sender at all is never made up', async () => {
  await enqueue({ payload: { from: { name: 'Smith, Jones & "Co"', address: 'help@smithjones.example' } } })
  await enqueue({ dedupeKey: 'nobody', payload: {} })
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' })
  assert.deepEqual(await dispatchDue(db, mailer, { now: t0 }), { claimed: 2, held: 0, sent: 1, retried: 0, failed: 1, dead: 0 })
  assert.equal(smtp.received.length, 1)
  const mail = await simpleParser(smtp.received[0].raw)
  assert.deepEqual(mail.from?.value, [{ name: 'Smith, Jones & "Co"', address: 'help@smithjones.example' }])
  assert.match(mail.messageId ?? '', /@smithjones\.example>$/)
  const nobody = await row('nobody')
  assert.equal(nobody.status, 'failed')
  assert.match(nobody.last_error ?? '', /names no sender/)
})
