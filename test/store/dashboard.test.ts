import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Db } from '../../src/store/db.ts'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog, seedOrder } from '../helpers/seed.ts'
import { startSmtp, type TestSmtp } from '../notify/mail-helpers.ts'
import { feed, sweepAndSend } from '../outreach/helpers.ts'
import { delayNoticesOnTime } from '../../src/store/dashboard.ts'

let smtp: TestSmtp
let db: Db
before(async () => {
  smtp = await startSmtp()
  db = await freshDb()
  await seedCatalog(db)
  // D1 promised Thu 2026-11-05; D2 promised Mon 2026-11-02 (its notice will come after that day).
  await seedOrder(db, { orderNumber: 'D1', email: 'a@example.com', placedAt: '2026-11-02T10:00:00Z', promisedShipDate: '2026-11-05', lines: [{ lineNo: 1, sku: 'TENT-2P-GRN', qty: 1, supplierId: 'ACME' }] })
  await seedOrder(db, { orderNumber: 'D2', email: 'b@example.com', placedAt: '2026-10-30T10:00:00Z', promisedShipDate: '2026-11-02', lines: [{ lineNo: 1, sku: 'STOVE-1', qty: 1, supplierId: 'ACME' }] })
})
after(async () => {
  await db.close()
  await smtp.close()
})

test('delay notices on time vs late come from the FTC record: told by the applicable date, in the store\'s zone', async () => {
  // Wednesday: D1 is backordered before its promised date (on time); D2's promised Monday has passed
  // with no notice: it is cancelled (no notice, no delay), which counts as late.
  await feed(db, ['D1,1,,backordered,1,2026-11-20,,', 'D2,1,,backordered,1,2026-11-20,,'], '2026-11-04T14:00:00Z')
  await sweepAndSend(db, '2026-11-04T15:00:00Z', smtp.url)
  const notices = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM delay_notices WHERE kind = 'first'`)
  assert.equal(notices[0].n, 1)
  const cancelled = await db.query<{ reason: string }>('SELECT reason FROM ftc_cancellations')
  assert.deepEqual(cancelled.map((c) => c.reason), ['no_notice'])
  const t = await delayNoticesOnTime(db, new Date('2026-11-10T12:00:00Z'), 'America/New_York')
  assert.deepEqual(t.labels, ['2026-11-02'])
  assert.deepEqual(t.series.map((s) => [s.name, s.values]), [['on time', [1]], ['late', [1]]])
  // Nothing outside the window.
  const later = await delayNoticesOnTime(db, new Date('2027-03-01T12:00:00Z'), 'America/New_York')
  assert.deepEqual(later.labels, [])
})
