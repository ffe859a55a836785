/**
 * "The customer's answer is always taken" (DESIGN.md "The law on delays"; issue 15 item 9): wait
 * and cancel are accepted on every line with open units for which a notice was sent, whatever its
 * state, until it ships; a wait after a renewed notice is a new answer — and a line with an answer
 * is never cancelled for want of one. The page and the phone offer those answers too.
 */
import { test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/store/db.ts'
import { buildApp } from '../../src/http/app.ts'
import { TestClock } from '../../src/clock.ts'
import { loadConfig } from '../../src/config.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { loadFtcRecord } from '../../src/store/ftc-record.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'
import { choiceTokenOf, feed, outreach, parseAll, sweepAndSend } from '../outreach/helpers.ts'
import { AUTH_TOKEN, Call, PUBLIC_URL } from '../phone/twilio-kit.ts'

let smtp: TestSmtp
let db: Db
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())
beforeEach(async () => {
  db = await freshDb()
  smtp.received.length = 0
  await seedCatalog(db)
  // Promised ship date Thu 2026-11-05 for every order.
  for (const [n, postal] of [['W5001', '30301'], ['W5002', '30302'], ['W5003', '30303']]) {
    await seedOrder(db, {
      orderNumber: n, email: `${n.toLowerCase()}@example.com`, postalCode: postal, placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }, { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }],
    })
  }
})
afterEach(() => db.close())

const as = (who: 'customer' | 'rep', now: string) =>
  who === 'customer' ? { decidedBy: 'customer', channel: 'link' as const, now: new Date(now) } : { decidedBy: 'rep:sam@store.example', channel: 'cli' as const, now: new Date(now) }
const stateOf = async (order: string, line: number) =>
  (await db.query<{ state: string; cancel_reason: string | null }>(
    `SELECT l.state, l.cancel_reason FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = $1 AND l.line_no = $2`, [order, line]))[0]

test('wait and cancel are taken on a restocked line and on a processing line that had a notice', async () => {
  // W5001 and W5002 line 1: backordered with no date (a notice; silence cancels), then back in stock.
  // W5003 line 1: accepted to ship Nov 20, past the promise — a notice while the line is still "processing".
  await feed(db, ['W5001,1,,backordered,1,,,', 'W5002,1,,backordered,1,,,', 'W5003,1,,accepted,1,2026-11-20,,',
    'W5001,2,,shipped,1,,UPS,1Z999AA10123456784', 'W5002,2,,shipped,1,,UPS,1Z999AA10123456784', 'W5003,2,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  assert.equal((await parseAll(smtp.received)).length, 3, 'three notices')
  assert.equal((await stateOf('W5003', 1)).state, 'processing')
  const early = await recordChoice(db, { ...as('customer', '2026-11-04T12:00:00Z'), orderNumber: 'W5003', lineNo: 1, choice: 'wait' })
  assert.equal(early.choice, 'wait')
  await feed(db, ['W5001,1,,accepted,1,2026-12-20,,', 'W5002,1,,accepted,1,2026-12-20,,'], '2026-11-10T14:00:00Z')
  await sweepAndSend(db, '2026-11-10T15:00:00Z', smtp.url)
  assert.equal((await stateOf('W5001', 1)).state, 'restocked')

  const wait = await recordChoice(db, { ...as('customer', '2026-11-11T12:00:00Z'), orderNumber: 'W5001', lineNo: 1, choice: 'wait' })
  assert.match(wait.summary.join('\n'), /agrees to wait/)
  const cancel = await recordChoice(db, { ...as('rep', '2026-11-11T12:00:00Z'), orderNumber: 'W5002', lineNo: 1, choice: 'cancel' })
  assert.equal(cancel.refund?.amount, 249)
  // Still refused: a line that never had a notice, and one that has shipped.
  for (const [order, line] of [['W5001', 2]] as const) {
    await assert.rejects(recordChoice(db, { ...as('rep', '2026-11-11T12:00:00Z'), orderNumber: order, lineNo: line, choice: 'cancel' }),
      (e: unknown) => e instanceof DomainError && e.code === 'CHOICE_LINE_NOT_ELIGIBLE' && /in transit/.test(e.message))
  }
  // A month on, still unshipped: the line whose customer said "wait" is kept.
  await sweepAndSend(db, '2026-12-06T15:00:00Z', smtp.url)
  assert.equal((await stateOf('W5001', 1)).cancel_reason, null)
  assert.equal((await stateOf('W5002', 1)).cancel_reason, 'customer')
})

test('a second wait after a renewed notice is a new answer, and keeps the line', async () => {
  // A definite date within 30 days (silence is consent), waited for; the date arrives unshipped.
  await feed(db, ['W5001,1,,backordered,1,2026-11-15,,', 'W5001,2,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  await recordChoice(db, { ...as('customer', '2026-11-04T12:00:00Z'), orderNumber: 'W5001', lineNo: 1, choice: 'wait' })
  await assert.rejects(recordChoice(db, { ...as('customer', '2026-11-05T12:00:00Z'), orderNumber: 'W5001', lineNo: 1, choice: 'wait' }),
    (e: unknown) => e instanceof DomainError && e.code === 'CHOICE_ALREADY_RECORDED', 'the same answer to the same notice is not a new one')
  const seen = smtp.received.length
  await sweepAndSend(db, '2026-11-15T15:00:00Z', smtp.url)
  const [renewed] = (await parseAll(smtp.received.slice(seen))).filter((m) => m.subject?.includes('W5001'))
  assert.match(renewed.subject ?? '', /a new delay/)
  const again = await recordChoice(db, { ...as('customer', '2026-11-16T12:00:00Z'), orderNumber: 'W5001', lineNo: 1, choice: 'wait' })
  assert.equal(again.choice, 'wait')
  for (const day of ['2026-12-06', '2026-12-16', '2027-01-10']) await sweepAndSend(db, `${day}T15:00:00Z`, smtp.url)
  assert.equal((await stateOf('W5001', 1)).cancel_reason, null, 'consent to the renewed notice keeps the line')
  const ftc = (await loadFtcRecord(db, 'W5001'))!.lines[0]
  assert.deepEqual(ftc.notices.map((n) => n.kind), ['first', 'renewed'])
  assert.deepEqual(ftc.answers.map((a) => a.choice), ['wait', 'wait'])
})

test('the page, the link and the phone offer wait and cancel on a restocked line that had a notice', async () => {
  await feed(db, ['W5001,1,,backordered,1,,,', 'W5001,2,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  const [notice] = await parseAll(smtp.received)
  const token = choiceTokenOf(notice)!
  await feed(db, ['W5001,1,,accepted,1,2026-12-20,,'], '2026-11-10T14:00:00Z')
  await sweepAndSend(db, '2026-11-10T15:00:00Z', smtp.url)
  const config = loadConfig({
    TWILIO_AUTH_TOKEN: AUTH_TOKEN, WISMO_PUBLIC_URL: PUBLIC_URL, WISMO_SECRET: outreach().secret, WISMO_DATA_DIR: '/tmp/wismo-answers-test',
  })
  const app: FastifyInstance = await buildApp({ db, clock: new TestClock('2026-11-11T15:00:00Z'), config })
  try {
    const page = await app.inject({ url: `/orders/W5001/choose?token=${encodeURIComponent(token)}` })
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /Back in stock/)
    assert.match(page.body, /Keep waiting/)
    assert.match(page.body, /Cancel this item/)

    const call = new Call(app, 'CA-answers', '+12125550123')
    await call.start()
    await call.press('5001')
    const menu = await call.press('30301')
    assert.match(menu.said.join(' '), /press 1 to wait for it/i)
    const done = await call.press('1')
    assert.match(done.said.join(' '), /keep Trailhead 2P Tent, green on order/)

    // The link still answers too (the phone's wait stands; the link cancels).
    const res = await app.inject({ method: 'POST', url: '/api/orders/W5001/lines/1/choice', payload: { token, choice: 'cancel' } })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().refund.amount, 249)
  } finally {
    await app.close()
  }
})
