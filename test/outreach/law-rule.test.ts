/**
 * The delay rule (16 CFR 435, DESIGN.md "The law on delays") played end to end: orders through
 * the CSV import, supplier feeds, sweeps at chosen instants, the messages the channels were
 * handed, and the record `wismo ftc --json` prints (loadFtcRecord).
 */
import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { feed } from './helpers.ts'
import { cancelledLines, importOrders, sweepAndHand, type Sent } from './law-helpers.ts'
import { loadFtcRecord } from '../../src/store/ftc-record.ts'
import { recordChoice } from '../../src/choices/record-choice.ts'

let db: Db
let sent: Sent
beforeEach(async () => {
  db = await freshDb()
  sent = { mails: [], texts: [] }
  await seedCatalog(db)
})
afterEach(() => db.close())

const tasks = (kind: string) => db.query<{ title: string; detail: string }>('SELECT title, detail FROM tasks WHERE kind = $1 ORDER BY task_id', [kind])
const ftc = async (order: string) => (await loadFtcRecord(db, order))!

test('item 10: days are the store\'s days — a deadline holds until midnight in New York, and the refund is due 7 working days from the store\'s day', async () => {
  // Promised Tue 2026-11-10; backordered with no date: silence cancels after Thu 2026-12-10.
  await importOrders(db, [{ order: 'D1', placedAt: '2026-11-02T15:00:00Z', email: 'dana@example.com', lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, promised: '2026-11-10' }])
  await feed(db, ['D1,1,,backordered,1,,,'], '2026-11-03T14:00:00Z')
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  assert.match(sent.mails[0].text, /Unless you tell us by the end of Thursday, December 10 that you want to wait/)
  // 20:30 in New York on the deadline day (01:30 UTC the next day): the day is not over.
  await sweepAndHand(db, '2026-12-11T01:30:00Z', sent)
  assert.deepEqual(await cancelledLines(db), [], 'the deadline day is still open in the store\'s zone')
  // 20:30 on Friday, December 11 in New York: cancelled; refund due 7 working days after Friday (Tue 22), not after Saturday (UTC).
  await sweepAndHand(db, '2026-12-12T01:30:00Z', sent)
  assert.deepEqual(await cancelledLines(db), ['D1:1:no_consent'])
  const line = (await ftc('D1')).lines[0]
  assert.equal(line.cancellation?.refundDue, '2026-12-22')
  assert.equal(line.refundDueDate, '2026-12-22')
  assert.match(sent.mails.at(-1)!.text, /you will get a full refund by Tuesday, December 22/)
})

test('item 10/17: a customer\'s own cancel on a Friday evening in New York: refund due from Friday, shown in the record', async () => {
  await importOrders(db, [{ order: 'D2', placedAt: '2026-11-02T15:00:00Z', email: 'dana@example.com', lineNo: 1, sku: 'STOVE-1', qty: 2, promised: '2026-11-10', unitPrice: '80.00', lineTax: '12.80' }])
  await feed(db, ['D2,1,,backordered,2,,,'], '2026-11-03T14:00:00Z')
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  const out = await recordChoice(db, { orderNumber: 'D2', lineNo: 1, choice: 'cancel', decidedBy: 'customer', channel: 'link', now: new Date('2026-12-05T01:30:00Z') })
  assert.equal(out.refund?.dueBy, '2026-12-15', 'Friday, December 4 in New York + 7 working days')
  assert.equal(out.refund?.amount, 172.8, 'price and tax; the order has no shipping charge')
  const line = (await ftc('D2')).lines[0]
  assert.equal(line.refundDueDate, '2026-12-15')
  assert.deepEqual(line.refunds.map((r) => [r.reason, r.amount, r.dueBy]), [['customer_cancel', 172.8, '2026-12-15']])
})

test('item 11: a first notice that could only go after the applicable time does not keep the line open: cancelled and refunded at once', async () => {
  await importOrders(db, [{ order: 'L1', placedAt: '2026-11-02T15:00:00Z', email: 'lee@example.com', lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, promised: '2026-11-05' }])
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  // The supplier accepted for the 5th, then says backordered on the 7th: wismo learns it after the applicable day.
  await feed(db, ['L1,1,,accepted,1,2026-11-05,,'], '2026-11-03T16:00:00Z')
  await sweepAndHand(db, '2026-11-05T15:00:00Z', sent)
  assert.equal(sent.mails.length, 0, 'the supplier said it ships on the applicable day')
  await feed(db, ['L1,1,,backordered,1,2026-12-20,,'], '2026-11-07T14:00:00Z')
  await sweepAndHand(db, '2026-11-07T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), ['L1:1:no_notice'])
  assert.equal(sent.mails.length, 1)
  assert.match(sent.mails[0].subject, /cancelled and will be refunded/)
  assert.doesNotMatch(sent.mails[0].text, /Unless you tell us/, 'no notice offering a delay that the rule no longer allows')
  assert.match(sent.mails[0].text, /We cancelled 1 of this item because it could not ship on time and we could not ask you in time/)
  const [task] = await tasks('auto_cancelled')
  assert.match(task.title, /no delay notice reached the customer by the applicable time/)
  assert.match(task.detail, /no notice was sent by 2026-11-05/)
  const rec = await ftc('L1')
  assert.deepEqual([rec.lines[0].cancellation?.reason, rec.lines[0].notices.length], ['no_notice', 0])
})

test('item 11: a suppressed notice (no email, no phone) is no notice: the line is cancelled the day after the applicable time', async () => {
  await importOrders(db, [{ order: 'S1', placedAt: '2026-11-02T15:00:00Z', postal: '30301', lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, promised: '2026-11-05' }])
  await feed(db, ['S1,1,,backordered,1,2026-11-15,,'], '2026-11-03T14:00:00Z')
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  const before = await ftc('S1')
  assert.deepEqual(before.lines[0].notices.map((n) => [n.kind, n.status, n.complete, n.reached]), [['first', 'suppressed', true, false]])
  await sweepAndHand(db, '2026-11-05T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), [], 'until the applicable day ends a rep may still reach the customer')
  await sweepAndHand(db, '2026-11-06T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), ['S1:1:no_notice'])
  const [task] = await tasks('auto_cancelled')
  assert.match(task.detail, /suppressed: no email or phone to send to/)
})

test('item 11: a notice that never got through (refused by the mail server) is no notice', async () => {
  await importOrders(db, [{ order: 'F1', placedAt: '2026-11-02T15:00:00Z', email: 'gone@example.com', lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, promised: '2026-11-05' }])
  await feed(db, ['F1,1,,backordered,1,2026-11-15,,'], '2026-11-03T14:00:00Z')
  sent.refuse = ['gone@example.com']
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  assert.deepEqual((await ftc('F1')).lines[0].notices.map((n) => [n.status, n.reached]), [['failed', false]])
  await sweepAndHand(db, '2026-11-06T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), ['F1:1:no_notice'])
  const [task] = await tasks('auto_cancelled')
  assert.match(task.detail, /failed: 550 mailbox unavailable/)
})

test('item 12: after a renewed notice, the line is cancelled when the most recent revised date passes without consent', async () => {
  await importOrders(db, [{ order: 'R1', placedAt: '2026-11-02T15:00:00Z', email: 'rae@example.com', lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, promised: '2026-11-05' }])
  await feed(db, ['R1,1,,backordered,1,2026-11-20,,'], '2026-11-03T14:00:00Z')
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  assert.match(sent.mails[0].text, /you need do nothing/)
  await feed(db, ['R1,1,,backordered,1,2026-11-28,,'], '2026-11-12T14:00:00Z')
  await sweepAndHand(db, '2026-11-12T15:00:00Z', sent)
  assert.match(sent.mails[1].subject, /a new delay/)
  assert.match(sent.mails[1].text, /We now expect to ship it on Saturday, November 28/)
  assert.match(sent.mails[1].text, /Unless you tell us by the end of Friday, November 20 that you want to wait/)
  assert.deepEqual((await ftc('R1')).lines[0].notices.map((n) => [n.kind, n.revisedDate, n.cancelOn]), [['first', '2026-11-20', null], ['renewed', '2026-11-28', '2026-11-20']])
  await sweepAndHand(db, '2026-11-21T01:30:00Z', sent) // 20:30 on the 20th in New York
  assert.deepEqual(await cancelledLines(db), [])
  await sweepAndHand(db, '2026-11-21T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), ['R1:1:no_consent'], 'not kept open until the applicable time + 30 days')
})

test('item 13: with no stated ship date the applicable time is 30 days after payment (50 on the store\'s credit), whatever the lead time', async () => {
  await db.query('UPDATE suppliers SET lead_time_days = 35')
  await importOrders(db, [
    { order: 'P1', placedAt: '2026-11-02T15:00:00Z', email: 'pat@example.com', lineNo: 1, sku: 'STOVE-1', qty: 1, paidAt: '2026-11-03T16:00:00Z' },
    { order: 'P2', placedAt: '2026-11-02T15:00:00Z', email: 'pam@example.com', lineNo: 1, sku: 'STOVE-1', qty: 1, sellerCredit: 'true' },
    { order: 'P3', placedAt: '2026-11-02T15:00:00Z', email: 'pia@example.com', lineNo: 1, sku: 'STOVE-1', qty: 1, promised: '2026-12-20' },
  ])
  await sweepAndHand(db, '2026-11-02T16:00:00Z', sent)
  const p1 = (await ftc('P1')).lines[0]
  assert.deepEqual([p1.applicableDate, p1.applicableBasis], ['2026-12-03', 'paid_at + 30 days'])
  const p2 = (await ftc('P2')).lines[0]
  assert.deepEqual([p2.applicableDate, p2.applicableBasis], ['2026-12-22', 'placed_at + 50 days (seller credit)'])
  const p3 = (await ftc('P3')).lines[0]
  assert.deepEqual([p3.applicableDate, p3.applicableBasis], ['2026-12-20', 'promised_ship_date'])
  await sweepAndHand(db, '2026-12-02T15:00:00Z', sent)
  assert.ok(!sent.mails.some((m) => /P1/.test(m.subject)), 'not before the applicable day')
  // On day 30 after payment the line is still unshipped and the supplier said nothing: the first notice goes that day.
  await sweepAndHand(db, '2026-12-03T15:00:00Z', sent)
  const p1mail = sent.mails.find((m) => /P1/.test(m.subject))
  assert.ok(p1mail, 'the notice goes by the applicable day, not the lead time (day 49)')
  assert.match(p1mail.text, /Unless you tell us by the end of Saturday, January 2 that you want to wait/)
  assert.deepEqual((await ftc('P1')).lines[0].notices.map((n) => [n.kind, n.cancelOn]), [['first', '2027-01-02']])
})

test('item 14: quiet hours never hold a notice past its day — decided at 22:00 on the applicable day, it leaves at once', async () => {
  await importOrders(db, [{ order: 'Q1', placedAt: '2026-11-02T15:00:00Z', email: 'quinn@example.com', lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, promised: '2026-11-05' }])
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  await sweepAndHand(db, '2026-11-06T03:00:00Z', sent) // 22:00 on Thursday the 5th in New York (Atlanta customer)
  assert.equal(sent.mails.length, 1, 'sent now, not at 08:00 the next day')
  const [n] = (await ftc('Q1')).lines[0].notices
  assert.deepEqual([n.kind, n.sentAt, n.reached], ['first', '2026-11-06T03:00:00.000Z', true])
  await sweepAndHand(db, '2026-11-06T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), [], 'the notice reached the customer on the applicable day')
})

test('item 15: a text that cannot carry the whole notice is a pointer, recorded incomplete — an SMS-only customer\'s line is then cancelled', async () => {
  await importOrders(db, [
    { order: 'T1', placedAt: '2026-11-02T15:00:00Z', phone: '+15555550101', postal: '30301', lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, promised: '2026-11-05' },
    { order: 'T1', placedAt: '2026-11-02T15:00:00Z', phone: '+15555550101', postal: '30301', lineNo: 2, sku: 'STOVE-1', qty: 1, promised: '2026-11-05' },
  ])
  await feed(db, ['T1,1,,backordered,1,,,', 'T1,2,,backordered,1,2026-12-20,,'], '2026-11-03T14:00:00Z')
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  assert.equal(sent.texts.length, 1)
  assert.ok(sent.texts[0].body.length <= 320)
  const rec = await ftc('T1')
  assert.deepEqual(rec.lines.map((l) => l.notices.map((n) => [n.channel, n.complete, n.reached])), [[['sms', false, false]], [['sms', false, false]]])
  await sweepAndHand(db, '2026-11-06T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), ['T1:1:no_notice', 'T1:2:no_notice'])
  const [task] = await tasks('auto_cancelled')
  assert.match(task.detail, /a text pointing to the notice, not the notice itself/)
})

test('item 15: a text that does carry the whole notice (date, silence, refund, how to answer free) is a complete notice', async () => {
  await importOrders(db, [{ order: 'T2', placedAt: '2026-11-02T15:00:00Z', phone: '+15555550102', postal: '30301', lineNo: 1, sku: 'STOVE-1', qty: 1, promised: '2026-11-05' }])
  await feed(db, ['T2,1,,backordered,1,2026-11-15,,'], '2026-11-03T14:00:00Z')
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  const body = sent.texts[0].body
  assert.ok(body.length <= 320, `${body.length} chars`)
  assert.match(body, /Sunday, November 15/)
  assert.match(body, /do nothing/)
  assert.match(body, /full, prompt refund/)
  assert.match(body, /1-800-555-0142/)
  assert.match(body, /https:\/\/shop\.example\/orders\/T2/)
  assert.deepEqual((await ftc('T2')).lines[0].notices.map((n) => [n.channel, n.complete, n.reached]), [['sms', true, true]])
  await sweepAndHand(db, '2026-11-06T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), [])
})

test('item 17: the refund is the whole amount tendered — price, tax and, once nothing of the order ships, its shipping; due one billing cycle on store credit', async () => {
  const order = (o: string, lineNo: number, sku: string, credit = '') => ({
    order: o, placedAt: '2026-11-02T15:00:00Z', email: 'rita@example.com', lineNo, sku, qty: 2, promised: '2026-11-05', unitPrice: '100.00',
    lineTax: '16.00', shipping: '9.95', sellerCredit: credit,
  })
  await importOrders(db, [order('M1', 1, 'TENT-2P-GRN'), order('M1', 2, 'STOVE-1'), order('M2', 1, 'STOVE-1', 'true')])
  await feed(db, ['M1,1,,backordered,2,,,', 'M1,2,,backordered,2,,,', 'M2,1,,backordered,2,,,'], '2026-11-03T14:00:00Z')
  await sweepAndHand(db, '2026-11-03T15:00:00Z', sent)
  // The customer cancels line 1 (line 2 may still ship): price and tax only.
  const first = await recordChoice(db, { orderNumber: 'M1', lineNo: 1, choice: 'cancel', decidedBy: 'customer', channel: 'link', now: new Date('2026-11-10T15:00:00Z') })
  assert.equal(first.refund?.amount, 216)
  // Silence cancels line 2 after December 5: nothing of M1 ships now, so its shipping is refunded too.
  await sweepAndHand(db, '2026-12-06T15:00:00Z', sent)
  assert.deepEqual(await cancelledLines(db), ['M1:1:customer', 'M1:2:no_consent', 'M2:1:no_consent'])
  const m1 = await ftc('M1')
  assert.deepEqual(m1.lines[1].refunds.map((r) => [r.reason, r.amount, r.tax, r.shipping, r.dueBy]), [['no_consent', 225.95, 16, 9.95, '2026-12-16']])
  assert.equal(m1.lines[1].refundAmount, 225.95)
  const m2 = await ftc('M2')
  assert.deepEqual(m2.lines[0].refunds.map((r) => [r.amount, r.dueBy]), [[225.95, '2027-01-05']], 'store credit: one billing cycle (30 days)')
})
