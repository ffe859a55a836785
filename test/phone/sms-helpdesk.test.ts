import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'
import { issueApiKey } from '../../src/store/api-keys.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { AUTH_TOKEN, PUBLIC_URL, postSigned } from './twilio-kit.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')

async function order(number: string, phone: string, email: string): Promise<number> {
  const id = await seedOrder(db, {
    orderNumber: number, email, postalCode: '30301', placedAt: '2026-11-16T10:00:00Z',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: `PO-${number}`, poLine: '1' }],
  })
  await db.query('UPDATE customers SET phone = $2 WHERE lower(email) = lower($1)', [email, phone])
  await ingestSupplierFeed(db, {
    body: Buffer.from(`po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-${number},1,,backordered,2,2027-01-20,,\n`),
    filename: `${number}.csv`, supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-18T12:00:00Z'),
  })
  return id
}

/** A delay notice texted to `phone` for line 1 of the order, as outreach records one. */
async function smsNotice(orderId: number, phone: string): Promise<void> {
  await db.query(
    `INSERT INTO notifications (order_id, channel, recipient, trigger, triggers, line_nos, dedupe_key, body, status, created_at, sent_at)
     VALUES ($1, 'sms', $2, 'backordered', ARRAY['backordered'], ARRAY[1], $3, 'Your tent is backordered. Reply WAIT or CANCEL.', 'sent', $4, $4)`,
    [orderId, phone, `test-sms-${orderId}`, new Date('2026-11-19T15:00:00Z')],
  )
}

const text = (sid: string, from: string, body: string) => postSigned(app, '/api/sms/incoming', { MessageSid: sid, From: from, To: '+18005550100', Body: body })

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await smsNotice(await order('W4001', '+14045550201', 'ann@example.com'), '+14045550201')
  await smsNotice(await order('W4002', '+14045550202', 'bo@example.com'), '+14045550202')
  await order('W4003', '+14045550203', 'cy@example.com')
  const config = loadConfig({
    TWILIO_AUTH_TOKEN: AUTH_TOKEN, WISMO_PUBLIC_URL: PUBLIC_URL, WISMO_STORE_NAME: 'Trailhead Outfitters',
    WISMO_STORE_PHONE: '1-800-555-0100', WISMO_DATA_DIR: '/tmp/wismo-sms-test',
  })
  app = await buildApp({ db, clock, config })
})
after(async () => {
  await app.close()
  await db.close()
})

test('a text with the order number and postal code gets the status in under 320 characters with the page link', async () => {
  const r = await text('SM-status', '+19995550000', 'order W4003 30301')
  assert.equal(r.status, 200)
  assert.equal(r.messages.length, 1)
  const [reply] = r.messages
  assert.ok(reply.length <= 320, `${reply.length} characters`)
  assert.match(reply, /W4003/)
  assert.match(reply, /backordered/)
  assert.ok(reply.endsWith(`${PUBLIC_URL}/orders/W4003`))
  assert.ok(!/Acme|ACME|PO-W4003/.test(reply))
  const wrong = await text('SM-wrong', '+19995550000', 'W4003 99999')
  assert.match(wrong.messages[0], /couldn't find that order/)
})

const choicesOf = (order: string) => db.query<{ choice: string; channel: string; decided_by: string }>(
  `SELECT c.choice, c.channel, c.decided_by FROM line_choices c JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id)
    WHERE o.order_number = $1`, [order],
)

test('WAIT or CANCEL from the notice\'s number alone records nothing: the postal code is asked for', async () => {
  for (const [sid, body] of [['SM-bare-wait', 'WAIT'], ['SM-bare-cancel', 'cancel']]) {
    const r = await text(sid, '+14045550201', body)
    assert.match(r.messages[0], /postal code/)
    assert.doesNotMatch(r.messages[0], /W4001|backordered|tent/i, 'the From number alone reveals no order detail')
  }
  assert.deepEqual(await choicesOf('W4001'), [])
  const [c] = await db.query<{ sms_opted_out_at: Date | null }>("SELECT sms_opted_out_at FROM customers WHERE email = 'ann@example.com'")
  assert.equal(c.sms_opted_out_at, null, 'a CANCEL that answers a notice is not an opt-out')
  // A wrong postal code is refused like any failed proof, and changes nothing.
  const wrong = await text('SM-wrong-proof', '+14045550201', 'CANCEL 99999')
  assert.match(wrong.messages[0], /couldn't match/)
  assert.deepEqual(await choicesOf('W4001'), [])
})

test('WAIT with the postal code answers the delay notice: consent recorded for its line; a replayed text records nothing twice', async () => {
  const r = await text('SM-wait', '+14045550201', ' wait 30301 ')
  assert.match(r.messages[0], /keep your order/)
  const again = await text('SM-wait', '+14045550201', ' wait 30301 ')
  assert.deepEqual(again.messages, r.messages)
  assert.deepEqual(await choicesOf('W4001'), [{ choice: 'wait', channel: 'sms', decided_by: 'customer' }])
})

test('CANCEL with the postal code answers the delay notice: the line cancelled and its refund recorded', async () => {
  const r = await text('SM-cancel', '+14045550202', 'CANCEL 30301')
  assert.match(r.messages[0], /cancelled/)
  const [line] = await db.query<{ cancelled_at: Date | null }>(
    "SELECT l.cancelled_at FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = 'W4002' AND l.line_no = 1",
  )
  assert.ok(line.cancelled_at)
  const refunds = await db.query<{ amount: number }>(
    "SELECT r.amount FROM refunds r JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id) WHERE o.order_number = 'W4002'",
  )
  assert.deepEqual(refunds.map((x) => x.amount), [498])
})

test('STOP sets the SMS opt-out, START lifts it, HELP says who is texting', async () => {
  const stop = await text('SM-stop', '+14045550203', 'STOP')
  assert.match(stop.messages[0], /unsubscribed/)
  const [c] = await db.query<{ sms_opted_out_at: Date | null }>("SELECT sms_opted_out_at FROM customers WHERE email = 'cy@example.com'")
  assert.ok(c.sms_opted_out_at)
  const start = await text('SM-start', '+14045550203', 'START')
  assert.match(start.messages[0], /subscribed again/)
  const [c2] = await db.query<{ sms_opted_out_at: Date | null }>("SELECT sms_opted_out_at FROM customers WHERE email = 'cy@example.com'")
  assert.equal(c2.sms_opted_out_at, null)
  const help = await text('SM-help', '+14045550203', 'HELP')
  assert.match(help.messages[0], /Trailhead Outfitters.*1-800-555-0100.*STOP/)
  // CANCEL with no delay notice to answer is the carriers' opt-out word.
  await text('SM-cancel-optout', '+14045550203', 'cancel')
  const [c3] = await db.query<{ sms_opted_out_at: Date | null }>("SELECT sms_opted_out_at FROM customers WHERE email = 'cy@example.com'")
  assert.ok(c3.sms_opted_out_at)
})

test('the helpdesk endpoint answers with a helpdesk key, by email or phone, and refuses without one', async () => {
  const none = await app.inject({ url: '/api/helpdesk/orders?email=ann@example.com' })
  assert.equal(none.statusCode, 401)
  const retailer = await issueApiKey(db, { name: 'erp', scope: 'retailer', now: clock.now() })
  const wrongScope = await app.inject({ url: '/api/helpdesk/orders?email=ann@example.com', headers: { authorization: `Bearer ${retailer}` } })
  assert.equal(wrongScope.statusCode, 401)
  const key = await issueApiKey(db, { name: 'gorgias', scope: 'helpdesk', now: clock.now() })
  const res = await app.inject({ url: '/api/helpdesk/orders?email=ANN@example.com', headers: { authorization: `Bearer ${key}` } })
  assert.equal(res.statusCode, 200)
  const body = res.json()
  assert.equal(body.customer.email, 'ann@example.com')
  assert.equal(body.orders.length, 1)
  const [o] = body.orders
  assert.equal(o.orderNumber, 'W4001')
  assert.equal(o.consoleUrl, `${PUBLIC_URL}/console/orders/W4001`)
  assert.equal(o.lines[0].supplierId, 'ACME')
  assert.equal(o.lines[0].poNumber, 'PO-W4001')
  assert.ok(o.told.some((t: { channel: string }) => t.channel === 'sms'))
  const byPhone = await app.inject({ url: '/api/helpdesk/orders?phone=(404)%20555-0201', headers: { 'x-api-key': key } })
  assert.equal(byPhone.json().orders[0].orderNumber, 'W4001')
  const unknown = await app.inject({ url: '/api/helpdesk/orders?email=nobody@example.com', headers: { 'x-api-key': key } })
  assert.deepEqual(unknown.json(), { customer: null, orders: [] })
})
