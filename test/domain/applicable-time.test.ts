import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applicableTime } from '../../src/domain/applicable-time.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { buildLine as line } from './builders.ts'

test('applicable time: the ship date the store stated', () => {
  const t = applicableTime(line({ promisedShipDate: '2026-11-20', leadTimeDays: 35 }), DEFAULT_CALENDAR)
  assert.deepEqual(t, { date: '2026-11-20', basis: 'promised_ship_date' })
})

test('applicable time: with none stated, 30 days after the order was received with payment — in the store\'s zone, never the lead time', () => {
  const placedAt = new Date('2026-11-02T15:00:00Z')
  assert.deepEqual(applicableTime(line({ placedAt, leadTimeDays: 35 }), DEFAULT_CALENDAR), { date: '2026-12-02', basis: 'placed_at + 30 days' })
  // Paid at 21:00 on November 3 in New York (02:00 UTC on the 4th): day 30 counts from the 3rd.
  const paid = applicableTime(line({ placedAt, paidAt: new Date('2026-11-04T02:00:00Z') }), DEFAULT_CALENDAR)
  assert.deepEqual(paid, { date: '2026-12-03', basis: 'paid_at + 30 days' })
})

test('applicable time: 50 days for an order on the store\'s own credit', () => {
  const t = applicableTime(line({ placedAt: new Date('2026-11-02T15:00:00Z'), sellerCredit: true }), DEFAULT_CALENDAR)
  assert.deepEqual(t, { date: '2026-12-22', basis: 'placed_at + 50 days (seller credit)' })
  const stated = applicableTime(line({ promisedShipDate: '2026-11-20', sellerCredit: true }), DEFAULT_CALENDAR)
  assert.equal(stated.date, '2026-11-20', 'a stated time stands on credit too')
})
