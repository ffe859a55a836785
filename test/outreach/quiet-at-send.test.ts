/**
 * Issue 16 item 8: quiet hours are decided when a message is sent, not fixed when it is queued —
 * a change of the setting (WISMO_QUIET_START_HOUR / _END_HOUR) applies to what is still queued —
 * while a delay notice still never waits past the end of its applicable day (store zone): the
 * queued message carries that deadline and the dispatcher respects it. Real SMTP server.
 */
import { test, before, after, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { dispatchAllDue } from '../../src/notify/dispatch.ts'
import { createMailer } from '../../src/notify/mailer.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'
import { feed, outreach } from './helpers.ts'

let smtp: TestSmtp
let db: Db
before(async () => { smtp = await startSmtp() })
after(() => smtp.close())
beforeEach(async () => {
  db = await freshDb()
  smtp.received.length = 0
  await seedCatalog(db)
  // Atlanta (30301): the customer's night is the store's (America/New_York, EST in November).
  // W1 was promised for Thu 11-05; W2 for today, Tue 11-03 — its notice is due by tonight.
  for (const [n, email, promised] of [['W1', 'dana@example.com', '2026-11-05'], ['W2', 'lee@example.com', '2026-11-03']]) {
    await seedOrder(db, {
      orderNumber: n, email, placedAt: '2026-11-02T10:00:00Z', promisedShipDate: promised, postalCode: '30301',
      lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }],
    })
  }
})
afterEach(() => db.close())

const queue = (at: string, startHour: number) =>
  runSweep(db, { now: new Date(at), calendar: DEFAULT_CALENDAR, delayGraceDays: 1, outreach: outreach({ quietHours: { startHour, endHour: 8 } }) })
const dispatch = (at: string, startHour: number) =>
  dispatchAllDue(db, createMailer({ smtpUrl: smtp.url, outboxDir: '/nonexistent' }), { now: new Date(at), quietHours: { startHour, endHour: 8 } })
const statusOf = async (n: string) => (await db.query<{ status: string; deadline_at: Date | null }>(
  `SELECT m.status, m.deadline_at FROM notifications m JOIN orders o USING (order_id) WHERE o.order_number = $1 AND m.channel = 'email'`, [n]))[0]

test('queued at 20:50 under 21-08, the setting changed to 20-08: held at 20:55; a notice due today still goes', async () => {
  await feed(db, ['W1,1,,backordered,1,2026-11-15,,', 'W2,1,,backordered,1,2026-11-15,,'], '2026-11-04T01:40:00Z')
  // 20:50 EST on Tue 11-03: outside 21-08, so both are queued to leave at once.
  await queue('2026-11-04T01:50:00Z', 21)
  assert.equal((await statusOf('W1')).status, 'queued')
  assert.equal((await statusOf('W2')).deadline_at?.toISOString(), '2026-11-04T04:59:59.999Z', 'W2 carries its legal deadline: the end of 11-03 in the store zone')
  // 20:55, quiet hours now 20-08: W1 waits for the morning, W2 cannot wait past tonight.
  const s = await dispatch('2026-11-04T01:55:00Z', 20)
  assert.equal(s.sent, 1)
  assert.deepEqual(smtp.received.map((m) => m.to), [['lee@example.com']])
  assert.equal((await statusOf('W1')).status, 'queued', 'W1 held by the new quiet hours')
  assert.equal((await statusOf('W2')).status, 'sent', 'W2 went: its deadline is today')
  const [held] = await db.query<{ next_attempt_at: Date; attempts: number }>(
    `SELECT next_attempt_at, attempts FROM notifications m JOIN orders o USING (order_id) WHERE o.order_number = 'W1' AND m.channel = 'email'`)
  assert.equal(held.next_attempt_at.toISOString(), '2026-11-04T13:00:00.000Z', 'until 08:00 EST')
  assert.equal(held.attempts, 0, 'a hold is not a delivery attempt')
  // 08:00 EST: W1 leaves.
  assert.equal((await dispatch('2026-11-04T13:00:00Z', 20)).sent, 1)
  assert.equal((await statusOf('W1')).status, 'sent')
})

test('held at night under 21-08, the setting narrowed to 22-08: it leaves at 21:45 without waiting for the morning', async () => {
  await feed(db, ['W1,1,,backordered,1,2026-11-15,,'], '2026-11-04T02:20:00Z')
  // 21:30 EST under 21-08: queued to wait.
  await queue('2026-11-04T02:30:00Z', 21)
  // (W2, promised for today, has its own notice due tonight: it leaves at once whatever the hours.)
  await dispatch('2026-11-04T02:35:00Z', 21)
  assert.equal((await statusOf('W1')).status, 'queued', 'held until 08:00 under 21-08')
  // 21:45 EST under 22-08: no longer quiet, so it goes.
  assert.equal((await dispatch('2026-11-04T02:45:00Z', 22)).sent, 1)
  assert.equal((await statusOf('W1')).status, 'sent')
})
