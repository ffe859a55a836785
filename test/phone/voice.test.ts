import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { AUTH_TOKEN, Call, PUBLIC_URL, postSigned, twilioSignature } from './twilio-kit.ts'

let db: Db
let app: FastifyInstance
const clock = new TestClock('2026-11-20T15:00:00Z')
const SECRETS = ['Acme', 'ACME', 'Bolt', 'BOLT', 'PO-7', 'A-7781', 'B-TENT2G', '150', '155']

async function backorderedOrder(number: string, phone: string, postal: string, email: string): Promise<void> {
  await seedOrder(db, {
    orderNumber: number, email, postalCode: postal, placedAt: '2026-11-16T10:00:00Z',
    lines: [
      { lineNo: 1, sku: 'TENT-2P-GRN', qty: 2, supplierId: 'ACME', poNumber: `PO-7${number}`, poLine: '1' },
      { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME', poNumber: `PO-7${number}`, poLine: '2' },
    ],
  })
  await db.query('UPDATE customers SET phone = $2 WHERE lower(email) = lower($1)', [email, phone])
  await ingestSupplierFeed(db, {
    body: Buffer.from(`po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number\nPO-7${number},1,,backordered,2,2027-01-20,,\n`),
    filename: `${number}.csv`, supplierId: 'ACME', source: 'test', receivedAt: new Date('2026-11-18T12:00:00Z'),
  })
}

before(async () => {
  db = await freshDb()
  await seedCatalog(db)
  await backorderedOrder('W3001', '(404) 555-0101', '30301', 'dana@example.com')
  await backorderedOrder('W3002', '404-555-0102', '30302', 'lee@example.com')
  await backorderedOrder('W3003', '404 555 0103', '30303', 'kim@example.com')
  await backorderedOrder('W3004', '404 555 0104', '30304', 'ray@example.com')
  const config = loadConfig({
    TWILIO_AUTH_TOKEN: AUTH_TOKEN, WISMO_PUBLIC_URL: PUBLIC_URL, WISMO_REP_PHONE: '+18005550199',
    WISMO_STORE_NAME: 'Trailhead Outfitters', WISMO_STORE_PHONE: '1-800-555-0100', WISMO_STORE_HOURS: 'Monday to Friday, 9 to 6 Eastern',
    WISMO_DATA_DIR: '/tmp/wismo-voice-test',
  })
  app = await buildApp({ db, clock, config })
})
after(async () => {
  await app.close()
  await db.close()
})

test('a request without a valid Twilio signature is refused with 403 and changes nothing', async () => {
  const fields = { CallSid: 'CA-forged', From: '+14045550101' }
  const unsigned = await postSigned(app, '/api/voice/incoming', fields, { sign: false })
  assert.equal(unsigned.status, 403)
  const wrongKey = await postSigned(app, '/api/voice/incoming', fields, { token: 'not-the-token' })
  assert.equal(wrongKey.status, 403)
  // A signature for other fields (a tampered Digits) does not carry over.
  const res = await app.inject({
    method: 'POST', url: '/api/voice/incoming',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/api/voice/incoming`, fields) },
    payload: new URLSearchParams({ ...fields, Digits: '2' }).toString(),
  })
  assert.equal(res.statusCode, 403)
  const sms = await postSigned(app, '/api/sms/incoming', { MessageSid: 'SM-forged', From: '+14045550101', Body: 'STOP' }, { sign: false })
  assert.equal(sms.status, 403)
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM voice_calls WHERE call_sid = 'CA-forged'")
  assert.equal(n, 0)
})

test('a caller recognised by number is only offered the order, and hears it after the postal code', async () => {
  const call = new Call(app, 'CA-recognised', '+14045550101')
  const first = await call.start()
  const offered = first.said.join(' ')
  assert.match(offered, /order ending in 0 0 1/)
  assert.doesNotMatch(offered, /W 3 0 0 1|November|backordered/i, 'caller ID alone names no order and no detail')
  const asked = await call.press('1')
  assert.match(asked.said.join(' '), /postal code/)
  assert.doesNotMatch(asked.said.join(' '), /backordered|Order W|press 2 to cancel/i)
  const status = await call.press('30301')
  const said = status.said.join(' ')
  assert.match(said, /Order W 3 0 0 1/)
  assert.match(said, /backordered/i)
  assert.match(said, /(January|February) \d+/, 'a date spoken as a date')
  assert.match(said, /press 2 to cancel this item/i)
  for (const s of SECRETS) assert.ok(!call.heard.join(' ').includes(s), `spoke ${s}`)
  const [c] = await db.query<{ outcome: string }>("SELECT outcome FROM contacts WHERE channel = 'voice' AND ref = 'CA-recognised'")
  assert.equal(c.outcome, 'deflected')
})

test('caller ID is not proof: a spoofed number hears nothing of the order and cannot cancel a line', async () => {
  const lineChoices = () => db.query(
    `SELECT 1 FROM line_choices c JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id) WHERE o.order_number = 'W3001'`,
  )
  const call = new Call(app, 'CA-spoofed', '+14045550101')
  await call.start()
  const asked = await call.press('1')
  assert.match(asked.said.join(' '), /postal code/)
  // The attacker presses 2 (cancel) where the postal code is asked: a wrong postal code, nothing more.
  const wrong = await call.press('2')
  assert.match(wrong.said.join(' '), /couldn't find an order with that number and postal code/)
  assert.doesNotMatch(call.heard.join(' '), /backordered|Order W 3 0 0 1|January|February/)
  // Posting straight to the line menu's step without having proven the order changes nothing.
  for (const step of ['line&line=1', 'alt&line=1', 'confirm&line=1', 'done']) {
    const direct = await postSigned(app, `/api/voice/incoming?step=${step}`, { CallSid: 'CA-spoofed-direct', From: '+14045550101', Digits: step === 'done' ? '1' : '2' })
    assert.doesNotMatch(direct.said.join(' '), /backordered|cancelled|Order W/, step)
  }
  assert.equal((await lineChoices()).length, 0)
  const [call1] = await db.query<{ proven: string | null }>("SELECT proven FROM voice_calls WHERE call_sid = 'CA-spoofed'")
  assert.equal(call1.proven, null)
})

test('a caller who keys the order number and postal code hears its status', async () => {
  const call = new Call(app, 'CA-keyed', '+12125550000')
  const first = await call.start()
  assert.match(first.said.join(' '), /enter your order number/i)
  await call.press('3002')
  const status = await call.press('30302')
  assert.match(status.said.join(' '), /Order W 3 0 0 2/)
})

test('a wrong postal code is refused like an unknown order, and three failures end the call politely', async () => {
  const call = new Call(app, 'CA-wrong', '+12125550001')
  await call.start()
  await call.press('3002')
  const wrong = await call.press('99999')
  assert.match(wrong.said.join(' '), /couldn't find an order with that number and postal code/)
  await call.press('9999999') // an order that does not exist: the same answer after the postal code
  const unknown = await call.press('30302')
  assert.match(unknown.said.join(' '), /couldn't find an order with that number and postal code/)
  await call.press('3002')
  const last = await call.press('11111')
  assert.ok(last.hangup, 'the third failure hangs up')
  assert.match(last.said.join(' '), /1-800-555-0100, Monday to Friday, 9 to 6 Eastern/)
})

test('silence is asked again, and the third silence ends the call', async () => {
  const call = new Call(app, 'CA-silent', '+12125550002')
  await call.start()
  const again = await call.press('')
  assert.ok(!again.hangup)
  assert.match(again.said.join(' '), /didn't get an order number/)
  await call.press('')
  const last = await call.press('')
  assert.ok(last.hangup)
})

test('a backordered line cancelled by keypad is cancelled with its refund, once even if Twilio retries', async () => {
  const call = new Call(app, 'CA-cancel', '+14045550102')
  await call.start()
  await call.press('1')
  await call.press('30302')
  const menuUrl = call.last!.next!
  const done = await call.press('2')
  assert.match(done.said.join(' '), /cancelled/)
  assert.match(done.said.join(' '), /refund of 498\.00 dollars/)
  // Twilio retrying the same request gets the same answer and records nothing twice.
  const retry = await postSigned(app, menuUrl, { CallSid: 'CA-cancel', From: '+14045550102', To: '+18005550100', AccountSid: 'AC' + '0'.repeat(32), Digits: '2' })
  assert.equal(retry.xml, done.xml)
  const choices = await db.query<{ choice: string; decided_by: string; channel: string }>(
    `SELECT c.choice, c.decided_by, c.channel FROM line_choices c JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id)
      WHERE o.order_number = 'W3002' AND l.line_no = 1`,
  )
  assert.deepEqual(choices, [{ choice: 'cancel', decided_by: 'customer', channel: 'voice' }])
  const refunds = await db.query<{ amount: number }>(
    `SELECT r.amount FROM refunds r JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id) WHERE o.order_number = 'W3002'`,
  )
  assert.deepEqual(refunds.map((r) => r.amount), [498])
})

test('a switch by keypad: the alternatives with their dates, a confirmation, and the line re-sourced', async () => {
  const call = new Call(app, 'CA-switch', '+14045550103')
  await call.start()
  await call.press('1')
  await call.press('30303')
  const offers = await call.press('3')
  const said = offers.said.join(' ')
  // The first is the caller's own item from another supplier: said as the same item, not a switch.
  assert.match(said, /Press 1 for the same item, Trailhead 2P Tent, green, from stock we found elsewhere, arriving by/)
  assert.match(said, /days sooner/)
  for (const s of SECRETS) assert.ok(!said.includes(s), `spoke ${s}`)
  const confirm = await call.press('1')
  assert.match(confirm.said.join(' '), /Press 1 to confirm\./)
  const done = await call.press('1')
  assert.match(done.said.join(' '), /getting Trailhead 2P Tent, green from stock we found elsewhere/)
  assert.ok(!done.said.join(' ').includes('switched to'))
  const [c] = await db.query<{ choice: string; channel: string; supplier_id: string }>(
    `SELECT c.choice, c.channel, c.supplier_id FROM line_choices c JOIN order_lines l USING (order_line_id) JOIN orders o USING (order_id)
      WHERE o.order_number = 'W3003' AND l.line_no = 1`,
  )
  assert.deepEqual(c, { choice: 'switch', channel: 'voice', supplier_id: 'BOLT' })
})

test('0 transfers to a representative and opens a task with what the caller heard', async () => {
  const call = new Call(app, 'CA-rep', '+14045550104')
  await call.start()
  await call.press('1')
  await call.press('30304')
  const transfer = await call.press('0')
  assert.equal(transfer.dial, '+18005550199')
  const [task] = await db.query<{ kind: string; title: string; detail: string }>(
    "SELECT kind, title, detail FROM tasks WHERE dedupe_key = 'voice:CA-rep' AND status = 'open'",
  )
  assert.equal(task.kind, 'caller_wants_rep')
  assert.match(task.title, /W3004/)
  assert.match(task.detail, /backordered/)
  const [c] = await db.query<{ outcome: string }>("SELECT outcome FROM contacts WHERE channel = 'voice' AND ref = 'CA-rep'")
  assert.equal(c.outcome, 'rep_task')
})
