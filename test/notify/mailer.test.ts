import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { TestClock } from '../../src/clock.ts'
import { createMailer, senderDomain, type MailMessage } from '../../src/notify/mailer.ts'
import { attachment, leaves, parseMime, startSmtp, type TestSmtp } from './mail-helpers.ts'

const CSV = 'po_number,po_line,sku\r\nPO-77,1,TENT-2P-GRN\r\n'
const message = (over: Partial<MailMessage> = {}): MailMessage => ({
  to: 'orders@acme.example',
  from: 'Outdoor Retail <wismo@retail.example>',
  subject: 'Status request: 1 open purchase order line (Acme)',
  text: 'Hello Acme,\n\nPlease send the status of PO-77 line 1 — thank you.\n',
  attachments: [{ filename: 'open-po-lines-ACME.csv', content: CSV, contentType: 'text/csv; charset=utf-8' }],
  ...over,
})

let smtp: TestSmtp
const tmpDirs: string[] = []
before(async () => {
  smtp = await startSmtp()
})
after(async () => {
  await smtp.close()
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true })
})

function tmpOutbox(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-outbox-'))
  tmpDirs.push(dir)
  return path.join(dir, 'outbox') // not created yet: the mailer makes it
}

test('with SMTP_URL the message goes over SMTP, attachment and all', async () => {
  const mailer = createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' }, { clock: new TestClock('2026-11-20T14:00:00Z') })
  const before = smtp.received.length
  const receipt = await mailer.send(message())
  assert.equal(receipt.transport, 'smtp')
  assert.match(receipt.messageId, /^<.+@retail\.example>$/)
  const got = smtp.received.slice(before)
  assert.equal(got.length, 1)
  assert.deepEqual(got[0].to, ['orders@acme.example'])
  assert.equal(got[0].from, 'wismo@retail.example')
  const mime = parseMime(got[0].raw)
  assert.equal(mime.headers.to, 'orders@acme.example')
  assert.equal(mime.headers.subject, 'Status request: 1 open purchase order line (Acme)')
  assert.equal(mime.headers['message-id'], receipt.messageId)
  assert.equal(mime.headers.date, 'Fri, 20 Nov 2026 14:00:00 +0000')
  assert.equal(attachment(mime, 'open-po-lines-ACME.csv'), CSV)
  const text = leaves(mime).find((p) => /^text\/plain/.test(p.headers['content-type'] ?? ''))
  assert.match(text!.body, /PO-77 line 1 — thank you/)
})

test('without SMTP each message is one .eml in the outbox folder, a valid MIME message', async () => {
  const dir = tmpOutbox()
  const clock = new TestClock('2026-11-20T14:00:00Z')
  const mailer = createMailer({ outboxDir: dir }, { clock })
  const a = await mailer.send(message())
  clock.advance(1_000)
  const b = await mailer.send(message({ subject: 'second', attachments: [] }))
  assert.equal(a.transport, 'outbox')
  const files = fs.readdirSync(dir).sort()
  assert.equal(files.length, 2)
  assert.deepEqual(files.map((f) => path.join(dir, f)), [a.path, b.path]) // names sort by time
  assert.match(files[0], /^20261120T140000000Z-.+\.eml$/)
  const mime = parseMime(fs.readFileSync(a.path!, 'utf8'))
  assert.equal(mime.headers['mime-version'], '1.0')
  assert.match(mime.headers['content-type'], /^multipart\/mixed; boundary=/)
  assert.equal(mime.headers.from, 'Outdoor Retail <wismo@retail.example>')
  assert.equal(mime.headers.to, 'orders@acme.example')
  assert.equal(mime.headers['message-id'], a.messageId)
  assert.equal(attachment(mime, 'open-po-lines-ACME.csv'), CSV)
  assert.match(leaves(mime)[0].body, /Hello Acme/)
})

test('two messages in the same millisecond get two files; a resend with the same id replaces its file', async () => {
  const dir = tmpOutbox()
  const mailer = createMailer({ outboxDir: dir }, { clock: new TestClock('2026-11-20T14:00:00Z') })
  await mailer.send(message())
  await mailer.send(message())
  assert.equal(fs.readdirSync(dir).length, 2)
  const fixed = { messageId: '<wismo.7.abc@retail.example>', date: new Date('2026-11-20T15:00:00Z') }
  const first = await mailer.send(message(fixed))
  const again = await mailer.send(message(fixed))
  assert.equal(first.path, again.path)
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).length, 3)
  assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0)
})

test('an unreachable SMTP server is an error naming the recipient', async () => {
  const mailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:1/?ignoreTLS=true', outboxDir: '/nonexistent' })
  await assert.rejects(mailer.send(message()), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'MAIL_SMTP_FAILED')
    assert.match(err.message, /orders@acme\.example/)
    return true
  })
})

test('the Message-ID domain is the sender’s', () => {
  assert.equal(senderDomain('wismo <wismo@Retail.Example>'), 'retail.example')
  assert.equal(senderDomain('ops@shop.example'), 'shop.example')
  assert.equal(senderDomain('nobody'), 'localhost')
})
