/**
 * A line the supplier cannot supply (issue 15 item 16; DESIGN.md "The law on delays"): it is never
 * offered a wait that wismo would ignore — not in the message, on the page, by phone or through
 * the API — it is offered the alternatives or cancellation, and it is cancelled promptly (reason
 * `rejected`, a refund due, the customer told).
 */
import { test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { ParsedMail } from 'mailparser'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { loadFtcRecord } from '../../src/store/ftc-record.ts'
import { listRefunds } from '../../src/store/refunds.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'
import { choiceTokenOf, feed, outreach, parseAll, sweepAndSend } from '../outreach/helpers.ts'
import { AUTH_TOKEN, Call, PUBLIC_URL } from '../phone/twilio-kit.ts'
import { snapshotCounts } from './fixture.ts'

let smtp: TestSmtp
let db: Db
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())
beforeEach(async () => {
  db = await freshDb()
  smtp.received.length = 0
  await seedCatalog(db)
  // Promised ship date Mon 2026-11-16. W6001's tent is also stocked by BOLT; W6002's stove nowhere else.
  await seedOrder(db, {
    orderNumber: 'W6001', email: 'dana@example.com', postalCode: '30301', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-16',
    lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }],
  })
  await seedOrder(db, {
    orderNumber: 'W6002', email: 'lee@example.com', postalCode: '30302', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-16',
    lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }],
  })
  await feed(db, ['W6001,1,,rejected,1,,,', 'W6002,1,,rejected,1,,,'], '2026-11-03T14:00:00Z')
})
afterEach(() => db.close())

const to = (mails: ParsedMail[], email: string) => mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === email)
const line = async (order: string) => (await db.query<{ cancel_reason: string | null; cancelled_qty: number | null }>(
  `SELECT l.cancel_reason, l.cancelled_qty FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = $1`, [order]))[0]

test('with nothing to switch to, a rejected line is cancelled at once, refunded and the customer told', async () => {
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  assert.deepEqual(await line('W6002'), { cancel_reason: 'rejected', cancelled_qty: 1 })
  const [mail, ...more] = to(await parseAll(smtp.received), 'lee@example.com')
  assert.equal(more.length, 0)
  assert.match(mail.subject ?? '', /cancelled and will be refunded/)
  assert.match(mail.text ?? '', /We cancelled 1 of this item because the supplier cannot supply it; you will get a full refund by Thursday, November 12\./)
  assert.doesNotMatch(mail.text ?? '', /\bwait/i)
  assert.deepEqual((await listRefunds(db)).map((r) => [r.orderNumber, r.amount, r.reason]), [['W6002', 89.5, 'rejected']])
  const ftc = (await loadFtcRecord(db, 'W6002'))!.lines[0]
  assert.equal(ftc.cancellation?.reason, 'rejected')
})

test('with alternatives: offered them or cancellation (never a wait) everywhere, then cancelled three days on', async () => {
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  const [mail, ...more] = to(await parseAll(smtp.received), 'dana@example.com')
  assert.equal(more.length, 0)
  assert.equal(mail.subject, 'Order W6001: an item can no longer be supplied — your options')
  const text = mail.text ?? ''
  assert.match(text, /The supplier told us it cannot supply this item/)
  assert.match(text, /You may switch to one of the alternatives below by the end of Friday, November 6; otherwise we will cancel this item and give you a full refund\./)
  // One short link per answer: each alternative, and cancel; never a wait.
  assert.match(text, /Switch to [^:\n]+: https:\/\/shop\.example\/l\/[A-Za-z0-9_-]{16}\n/)
  assert.match(text, /Cancel this item for a full refund: https:\/\/shop\.example\/l\/[A-Za-z0-9_-]{16}\n/)
  assert.doesNotMatch(text, /\bwait/i)
  assert.doesNotMatch(mail.html as string, /\bwait/i)
  const token = choiceTokenOf(mail)!

  const config = loadConfig({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, WISMO_PUBLIC_URL: PUBLIC_URL, WISMO_SECRET: outreach().secret, WISMO_DATA_DIR: '/tmp/wismo-unavailable-test' })
  const app = await buildApp({ db, clock: new TestClock('2026-11-04T15:00:00Z'), config })
  try {
    const page = await app.inject({ url: `/orders/W6001/choose?token=${encodeURIComponent(token)}` })
    assert.equal(page.statusCode, 200)
    assert.doesNotMatch(page.body, /Keep waiting/)
    assert.match(page.body, /The same item, from stock we found elsewhere[\s\S]*Choose this/)
    assert.match(page.body, /Cancel this item/)

    const before = await snapshotCounts(db)
    const res = await app.inject({ method: 'POST', url: '/api/orders/W6001/lines/1/choice', payload: { token, choice: 'wait' } })
    assert.equal(res.statusCode, 409, res.body)
    assert.equal(res.json().error.code, 'CHOICE_WAIT_UNAVAILABLE')
    assert.match(res.json().error.message, /line 1 cannot be supplied.*switch to one of its alternatives or cancel it/)
    await assert.rejects(recordChoice(db, { orderNumber: 'W6001', lineNo: 1, choice: 'wait', decidedBy: 'rep:cli', channel: 'cli', now: new Date('2026-11-04T15:00:00Z') }),
      (e: unknown) => e instanceof DomainError && e.code === 'CHOICE_WAIT_UNAVAILABLE')
    assert.equal(await snapshotCounts(db), before, 'a refused wait changes nothing')

    const call = new Call(app, 'CA-unavailable', '+12125550124')
    await call.start()
    await call.press('6001')
    const menu = (await call.press('30301')).said.join(' ')
    assert.doesNotMatch(menu, /to wait/i)
    assert.match(menu, /press 2 to cancel this item/i)
    assert.match(menu, /press 3 to hear/i)
    const wrong = await call.press('1')
    assert.match(wrong.said.join(' '), /not one of the options/)
  } finally {
    await app.close()
  }

  // The days it was given, then cancelled: reason rejected, refund due, the customer told.
  const seen = smtp.received.length
  for (const day of ['2026-11-04', '2026-11-06']) await sweepAndSend(db, `${day}T15:00:00Z`, smtp.url)
  assert.equal((await line('W6001')).cancel_reason, null)
  await sweepAndSend(db, '2026-11-07T15:00:00Z', smtp.url)
  assert.equal((await line('W6001')).cancel_reason, 'rejected')
  const [cancelled, ...others] = to(await parseAll(smtp.received.slice(seen)), 'dana@example.com')
  assert.equal(others.length, 0)
  assert.match(cancelled.text ?? '', /We cancelled 1 of this item because the supplier cannot supply it; you will get a full refund by/)
  assert.deepEqual((await listRefunds(db)).filter((r) => r.orderNumber === 'W6001').map((r) => [r.amount, r.reason]), [[249, 'rejected']])
  const ftc = (await loadFtcRecord(db, 'W6001'))!.lines[0]
  assert.deepEqual(ftc.notices.map((n) => [n.kind, n.revisedDate, n.cancelOn]), [['first', null, '2026-11-06']])
  assert.match(ftc.notices[0].silenceMeans, /cannot supply it: unless the customer switches to an alternative/)
  assert.equal(ftc.cancellation?.reason, 'rejected')
})

test('a customer told the item cannot be supplied can still switch within the days given', async () => {
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  const o = await recordChoice(db, { orderNumber: 'W6001', lineNo: 1, choice: 'switch', sku: 'TENT-2P-GRN', decidedBy: 'customer', channel: 'page', now: new Date('2026-11-05T15:00:00Z') })
  assert.equal(o.switched?.supplierId, 'BOLT')
  const seen = smtp.received.length
  for (const day of ['2026-11-05', '2026-11-07']) await sweepAndSend(db, `${day}T15:30:00Z`, smtp.url)
  assert.equal((await line('W6001')).cancel_reason, null, 'the switched line is the new item\'s, not cancelled')
  assert.deepEqual(to(await parseAll(smtp.received.slice(seen)), 'dana@example.com').map((m) => m.subject), ['Order W6001: we found your item elsewhere'])
})
