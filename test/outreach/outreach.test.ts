import { test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'
import { feed, parseAll, STORE, sweepAndSend } from './helpers.ts'
import { loadFtcRecord } from '../../src/store/ftc-record.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'

let smtp: TestSmtp
let db: Db
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())
beforeEach(async () => {
  db = await freshDb()
  smtp.received.length = 0
  await seedCatalog(db)
  // Promised ship date Thu 2026-11-05; three customers.
  for (const [n, email] of [['W1', 'dana@example.com'], ['W2', 'lee@example.com'], ['W3', 'kim@example.com']]) {
    await seedOrder(db, {
      orderNumber: n, email, placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }, { lineNo: 2, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }],
    })
  }
})
afterEach(() => db.close())

const rows = () => db.query<{ order_id: number; status: string; triggers: string[]; line_nos: number[]; recipient: string }>(
  'SELECT order_id, status, triggers, line_nos, recipient FROM notifications ORDER BY notification_id')

test('after a sweep each customer with news has exactly one message; a second sweep sends nothing', async () => {
  await sweepAndSend(db, '2026-11-02T15:00:00Z', smtp.url)
  assert.equal(smtp.received.length, 0, 'no news yet')
  // W1: line 1 backordered with a date 10 days out, line 2 unknown. W2: line 1 with a date 40 days past. W3: nothing.
  await feed(db, ['W1,1,,backordered,1,2026-11-15,,', 'W1,2,,backordered,1,,,', 'W2,1,,backordered,1,2026-12-15,,'], '2026-11-03T14:00:00Z')
  const { sweep } = await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  assert.equal(sweep.outreach?.messages, 2)
  assert.equal(smtp.received.length, 2)
  const mails = await parseAll(smtp.received)
  const w1 = mails.find((m) => m.subject?.includes('W1'))!
  assert.match(w1.subject ?? '', /backordered/)
  assert.equal(w1.to && !Array.isArray(w1.to) ? w1.to.text : '', 'dana@example.com')
  const text = w1.text ?? ''
  assert.match(text, /Trailhead 2P Tent, green/)
  assert.match(text, /We now expect to ship it on Sunday, November 15/)
  assert.match(text, /you need do nothing/, 'definite within 30 days: silence is consent')
  assert.match(text, /We do not know yet when it will ship/)
  assert.match(text, /Unless you tell us by the end of Saturday, December 5/, 'unknown: cancelled at applicable + 30 unless consent')
  assert.match(text, /The reason: the supplier is out of stock/)
  assert.match(text, /full, prompt refund/)
  assert.match(text, new RegExp(STORE.phone))
  assert.ok(w1.html && /<html[^>]*lang="en"/.test(w1.html), 'HTML part with lang')
  assert.match(w1.html as string, /<h1/)
  const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(w1.html as string)![1])
  assert.deepEqual([ld['@type'], ld.orderNumber, ld.merchant.name], ['Order', 'W1', STORE.name])
  const raw = smtp.received.find((r) => r.raw.includes('W1'))!.raw.replace(/\r\n[ \t]+/g, ' ')
  assert.match(raw, /^List-Unsubscribe: <https:\/\/shop\.example\/unsubscribe\?token=\d+\.[\w-]+>, <mailto:help@trailhead\.example\?subject=unsubscribe>/m)
  assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
  const w2 = mails.find((m) => m.subject?.includes('W2'))!
  assert.match(w2.text ?? '', /Unless you tell us by the end of Saturday, December 5/, 'more than 30 days: silence cancels')
  assert.deepEqual((await rows()).map((r) => [r.status, r.triggers, r.line_nos]), [['sent', ['backordered'], [1, 2]], ['sent', ['backordered'], [1]]])

  const again = await sweepAndSend(db, '2026-11-03T16:00:00Z', smtp.url)
  assert.equal(again.sent.sent, 0)
  const nextDay = await sweepAndSend(db, '2026-11-04T15:00:00Z', smtp.url)
  assert.equal(nextDay.sent.sent, 0, 'the daily look at the same news tells nothing twice')
  assert.equal(smtp.received.length, 2)
})

test('a month later silence cancels exactly the lines the rule says', async () => {
  await feed(db, ['W1,1,,backordered,1,2026-11-15,,', 'W1,2,,backordered,1,,,', 'W2,1,,backordered,1,2026-12-15,,', 'W2,2,,accepted,1,2026-11-04,,',
    'W3,1,,accepted,1,2026-11-04,,', 'W3,2,,accepted,1,2026-11-04,,'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  await feed(db, ['W2,2,,shipped,1,,UPS,1Z999AA10123456784', 'W3,1,,shipped,1,,UPS,1Z999AA10123456784', 'W3,2,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-04T14:00:00Z')
  await feed(db, ['W1,1,,shipped,1,,UPS,1Z999AA10123456793'], '2026-11-14T14:00:00Z') // shipped on its revised date
  await sweepAndSend(db, '2026-12-05T15:00:00Z', smtp.url)
  let cancelled = await db.query<{ order_number: string; line_no: number; cancel_reason: string }>(
    `SELECT o.order_number, l.line_no, l.cancel_reason FROM order_lines l JOIN orders o USING (order_id) WHERE l.cancelled_at IS NOT NULL`)
  assert.deepEqual(cancelled, [], 'the deadline day itself is still open')
  smtp.received.length = 0
  const r = await sweepAndSend(db, '2026-12-06T15:00:00Z', smtp.url)
  cancelled = await db.query(`SELECT o.order_number, l.line_no, l.cancel_reason FROM order_lines l JOIN orders o USING (order_id)
                               WHERE l.cancelled_at IS NOT NULL ORDER BY 1, 2`)
  assert.deepEqual(cancelled.map((c) => [c.order_number, c.line_no, c.cancel_reason]), [['W1', 2, 'no_consent'], ['W2', 1, 'no_consent']],
    'unknown date and a date more than 30 days out are cancelled; the definite date within 30 days shipped and stays')
  assert.equal(r.sweep.outreach?.cancelled, 2)
  const mails = await parseAll(smtp.received)
  const w2 = mails.find((m) => m.subject?.includes('W2'))!
  assert.match(w2.subject ?? '', /cancelled and will be refunded/)
  assert.match(w2.text ?? '', /We cancelled 1 of this item because we did not hear that you wanted to wait; you will get a full refund by/)
  const tasks = await db.query<{ kind: string }>(`SELECT kind FROM tasks WHERE kind = 'auto_cancelled'`)
  assert.equal(tasks.length, 2)
  const ftc = await loadFtcRecord(db, 'W2')
  assert.equal(ftc?.lines[0].applicableDate, '2026-11-05')
  assert.deepEqual(ftc?.lines[0].notices.map((n) => [n.kind, n.revisedDate, n.silence]), [['first', '2026-12-15', 'cancel']])
  assert.equal(ftc?.lines[0].cancellation?.reason, 'no_consent')
  // The next sweep sees the cancelled lines and tells nothing twice.
  smtp.received.length = 0
  await sweepAndSend(db, '2026-12-07T15:00:00Z', smtp.url)
  assert.equal(smtp.received.length, 0)
})

test('an opted-out customer gets no optional message, but a required delay notice still goes by email', async () => {
  await db.query(`UPDATE customers SET opted_out_at = '2026-11-01T00:00:00Z' WHERE email = 'dana@example.com'`)
  await feed(db, ['W1,1,,backordered,1,2026-11-15,,'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  assert.equal(smtp.received.length, 1, 'the delay notice is required')
  await feed(db, ['W1,1,,shipped,1,,UPS,1Z999AA10123456784', 'W1,2,,shipped,1,,UPS,1Z999AA10123456784'], '2026-11-15T14:00:00Z')
  await sweepAndSend(db, '2026-11-15T15:00:00Z', smtp.url)
  const toDana = smtp.received.filter((r) => r.to.includes('dana@example.com'))
  assert.equal(toDana.length, 1, 'shipping news is optional')
  const w1 = (await rows()).filter((r) => r.recipient === 'dana@example.com').at(-1)!
  assert.deepEqual([w1.status, w1.triggers], ['suppressed', ['shipped']])
})

test('quiet hours hold a message until morning in the customer\'s zone, never past the notice deadline', async () => {
  await db.query(`UPDATE orders SET postal_code = '94105' WHERE order_number = 'W1'`) // San Francisco
  await feed(db, ['W1,1,,backordered,1,2026-11-15,,'], '2026-11-03T05:00:00Z')
  // 05:30 UTC = 21:30 in San Francisco (PST): held until 08:00 PST = 16:00 UTC.
  await sweepAndSend(db, '2026-11-03T05:30:00Z', smtp.url)
  assert.equal(smtp.received.length, 0)
  const [n] = await db.query<{ next_attempt_at: Date }>('SELECT next_attempt_at FROM notifications')
  assert.equal(n.next_attempt_at.toISOString(), '2026-11-03T16:00:00.000Z')
  // W2 on its promised date at 23:30 New York time: the wait would pass the deadline, so it leaves now.
  const r = await sweepAndSend(db, '2026-11-06T04:30:00Z', smtp.url)
  assert.ok(r.sent.sent >= 1)
})

test('a recorded "wait" keeps its line a month later; the same line without an answer is cancelled', async () => {
  // Both lines of W1 backordered with no date: silence cancels at applicable date + 30 days.
  await feed(db, ['W1,1,,backordered,1,,,', 'W1,2,,backordered,1,,,'], '2026-11-03T14:00:00Z')
  await sweepAndSend(db, '2026-11-03T15:00:00Z', smtp.url)
  assert.deepEqual((await parseAll(smtp.received)).map((m) => m.subject), ['Order W1: an item is backordered — your options'])
  // Ten days later the customer answers "wait" for line 1 only, through the same code path as the link.
  const outcome = await recordChoice(db, { orderNumber: 'W1', lineNo: 1, choice: 'wait', decidedBy: 'customer', channel: 'link', now: new Date('2026-11-13T12:00:00Z') })
  assert.equal(outcome.lineNo, 1)
  smtp.received.length = 0
  const r = await sweepAndSend(db, '2026-12-06T15:00:00Z', smtp.url)
  const lines = await db.query<{ order_number: string; line_no: number; cancel_reason: string | null }>(
    `SELECT o.order_number, l.line_no, l.cancel_reason FROM order_lines l JOIN orders o USING (order_id) WHERE l.cancelled_at IS NOT NULL ORDER BY 1, 2`)
  assert.deepEqual(lines.filter((l) => l.order_number === 'W1').map((l) => [l.order_number, l.line_no, l.cancel_reason]), [['W1', 2, 'no_consent']],
    'the wait keeps line 1; silence cancels line 2')
  assert.deepEqual([...new Set(lines.filter((l) => l.order_number !== 'W1').map((l) => l.cancel_reason))], ['no_notice'],
    'W2 and W3, never shipped and never told, are past their applicable time: no notice, no delay')
  assert.equal(r.sweep.outreach?.cancelled, 5)
  const ftc = await loadFtcRecord(db, 'W1')
  const one = ftc!.lines.find((l) => l.lineNo === 1)!
  assert.equal(one.cancellation ?? null, null)
  assert.deepEqual(one.answers.map((a) => [a.choice, a.decidedBy, a.channel]), [['wait', 'customer', 'link']], 'the record shows the consent that kept the line')
  const w1 = (await parseAll(smtp.received)).filter((m) => m.subject?.includes('W1'))
  assert.equal(w1.length, 1)
  assert.match(w1[0].text ?? '', /We cancelled 1 of this item because we did not hear that you wanted to wait/)
  assert.equal((w1[0].text ?? '').match(/We cancelled/g)?.length, 1, 'only line 2 is cancelled in the message')
})

test('an order whose lines fall in different sweep batches gets one message; orders already swept are told before the sweep ends', async () => {
  await feed(db, ['W1,1,,backordered,1,2026-11-15,,', 'W1,2,,backordered,1,,,', 'W2,1,,backordered,1,2026-11-20,,', 'W2,2,,backordered,1,,,',
    'W3,2,,backordered,1,2026-11-20,,'], '2026-11-03T14:00:00Z')
  const order = await db.query<{ order_line_id: number; order_number: string }>(
    `SELECT l.order_line_id, o.order_number FROM order_lines l JOIN orders o USING (order_id) ORDER BY l.order_line_id`)
  assert.deepEqual(order.map((r) => r.order_number), ['W1', 'W1', 'W2', 'W2', 'W3', 'W3'])
  // Batches of 3 lines: W1-1, W1-2, W2-1 | W2-2, W3-1, W3-2 — W2's news is split across two batches.
  const told: string[] = []
  const { runSweep } = await import('../../src/jobs/sweep.ts')
  const { DEFAULT_CALENDAR } = await import('../../src/domain/calendar.ts')
  const { outreach } = await import('./helpers.ts')
  const r = await runSweep(db, { now: new Date('2026-11-03T15:00:00Z'), calendar: DEFAULT_CALENDAR, delayGraceDays: 1, batchSize: 3, outreach: outreach() })
  for (const n of await db.query<{ order_number: string; triggers: string[]; line_nos: number[] }>(
    `SELECT o.order_number, n.triggers, n.line_nos FROM notifications n JOIN orders o USING (order_id) ORDER BY n.notification_id`)) told.push(`${n.order_number}:${n.line_nos.join('+')}`)
  assert.deepEqual(told, ['W1:1+2', 'W2:1+2', 'W3:2'], 'one message per order, all its news together')
  assert.equal(r.outreach?.messages, 3)
})
