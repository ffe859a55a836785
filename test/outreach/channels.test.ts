import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { feed } from './helpers.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { dispatchAllDue } from '../../src/notify/dispatch.ts'
import { createMailer } from '../../src/notify/mailer.ts'
import { createTwilioSms } from '../../src/notify/sms.ts'
import { createRetailerWebhook, signWebhookBody } from '../../src/notify/retailer-webhook.ts'
import { outreach } from './helpers.ts'
import { chooseChannels } from '../../src/domain/outreach-channels.ts'

interface Hit { path: string; headers: http.IncomingHttpHeaders; body: string }

/** A local HTTP server answering with `answer` for each request it records. */
async function server(answer: (h: Hit) => { status: number; body: string }) {
  const hits: Hit[] = []
  const s = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const hit = { path: req.url ?? '', headers: req.headers, body }
      hits.push(hit)
      const a = answer(hit)
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body)
    })
  })
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits, close: () => new Promise<void>((r) => s.close(() => r())) }
}

let db: Db
beforeEach(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await seedOrder(db, { orderNumber: 'W1', email: 'dana@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
  await db.query(`UPDATE customers SET phone = '+15555550100', channel = 'sms'`)
})
afterEach(() => db.close())

const SECRET = 'retailer-secret-0123456789'

test('SMS through a Twilio-compatible API (form fields, basic auth, < 320 chars) and the signed retailer webhook', async () => {
  const twilio = await server((h) => ({ status: 201, body: JSON.stringify({ sid: `SM${h.body.length}` }) }))
  let webhookFails = 1
  const hook = await server(() => (webhookFails-- > 0 ? { status: 503, body: '{}' } : { status: 200, body: '{}' }))
  try {
    await feed(db, ['W1,1,,backordered,1,2026-11-15,,'], '2026-11-03T14:00:00Z')
    const now = new Date('2026-11-03T15:00:00Z')
    await runSweep(db, { now, calendar: DEFAULT_CALENDAR, delayGraceDays: 1, outreach: outreach({ smsAvailable: true, webhook: true }) })
    const channels = {
      email: createMailer({ outboxDir: '/tmp/wismo-test-outbox-unused' }),
      sms: createTwilioSms({ apiUrl: twilio.url, accountSid: 'AC123', authToken: 'tok', from: '+15555550000' }),
      webhook: createRetailerWebhook({ url: hook.url, secret: SECRET }),
    }
    const first = await dispatchAllDue(db, { ...channels, email: { send: async (m) => ({ messageId: m.messageId!, transport: 'outbox' }) } }, { now })
    assert.equal(first.sent, 2, 'email (required notice) and SMS (preferred)')
    assert.equal(first.retried, 1, 'the webhook answered 503: retried')
    const [sms] = twilio.hits
    assert.equal(sms.path, '/2010-04-01/Accounts/AC123/Messages.json')
    assert.equal(sms.headers.authorization, `Basic ${Buffer.from('AC123:tok').toString('base64')}`)
    const form = new URLSearchParams(sms.body)
    assert.deepEqual([form.get('To'), form.get('From')], ['+15555550100', '+15555550000'])
    const text = form.get('Body') ?? ''
    assert.ok(text.length < 320, `${text.length} chars`)
    assert.match(text, /order W1/)
    assert.match(text, /STOP/)
    await dispatchAllDue(db, channels, { now: new Date(now.getTime() + 61_000) })
    const delivered = hook.hits.at(-1)!
    assert.equal(delivered.headers['x-wismo-signature'], signWebhookBody(delivered.body, SECRET))
    assert.equal(hook.hits[0].headers['x-wismo-delivery'], delivered.headers['x-wismo-delivery'], 'a retry carries the same delivery id')
    const body = JSON.parse(delivered.body)
    assert.deepEqual([body.orderNumber, body.triggers, body.lines[0].notice.silence], ['W1', ['backordered'], 'consent'])
    const statuses = await db.query<{ channel: string; status: string }>('SELECT channel, status FROM notifications ORDER BY channel')
    assert.deepEqual(statuses.map((s) => [s.channel, s.status]), [['email', 'sent'], ['sms', 'sent'], ['webhook', 'sent']])
  } finally {
    await twilio.close()
    await hook.close()
  }
})

test('an SMS refused because the customer replied STOP records the opt-out and is not retried', async () => {
  const twilio = await server(() => ({ status: 400, body: JSON.stringify({ code: 21610, message: 'Attempt to send to unsubscribed recipient' }) }))
  try {
    await feed(db, ['W1,1,,backordered,1,2026-11-15,,'], '2026-11-03T14:00:00Z')
    const now = new Date('2026-11-03T15:00:00Z')
    await runSweep(db, { now, calendar: DEFAULT_CALENDAR, delayGraceDays: 1, outreach: outreach({ smsAvailable: true }) })
    const sms = createTwilioSms({ apiUrl: twilio.url, accountSid: 'AC1', authToken: 't', from: '+1' })
    await dispatchAllDue(db, { email: { send: async (m) => ({ messageId: m.messageId!, transport: 'outbox' }) }, sms }, { now })
    const [c] = await db.query<{ sms_opted_out_at: Date | null }>('SELECT sms_opted_out_at FROM customers')
    assert.ok(c.sms_opted_out_at)
    const [row] = await db.query<{ status: string }>(`SELECT status FROM notifications WHERE channel = 'sms'`)
    assert.equal(row.status, 'suppressed')
  } finally {
    await twilio.close()
  }
})

test('channel choice: opt-out stops optional news only; a required notice goes by email, else by text', () => {
  const r = { email: 'a@x.example', phone: '+1555', preferred: 'email', emailOptedOut: true, smsOptedOut: false, smsAvailable: true }
  assert.deepEqual(chooseChannels(r, false), [{ channel: 'email', to: 'a@x.example', suppressed: 'opted out of optional email' }])
  assert.deepEqual(chooseChannels(r, true), [{ channel: 'email', to: 'a@x.example', suppressed: null }])
  assert.deepEqual(chooseChannels({ ...r, email: null }, true), [{ channel: 'sms', to: '+1555', suppressed: null }])
  assert.deepEqual(chooseChannels({ ...r, email: null, smsOptedOut: true }, true)[0].suppressed, 'no email, and texts are stopped (STOP)')
  assert.deepEqual(chooseChannels({ ...r, preferred: 'sms', emailOptedOut: false }, false), [{ channel: 'sms', to: '+1555', suppressed: null }])
})
