import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { businessHoursBetween, businessWindowStart, describeSilence, supplierSilence } from '../../src/domain/supplier-silence.ts'
import type { CalendarConfig } from '../../src/domain/types.ts'

const ny = DEFAULT_CALENDAR // America/New_York
const at = (s: string) => new Date(s)
// 2026-11-20 is a Friday; Thanksgiving 2026-11-26 is a holiday here.
const thanksgiving: CalendarConfig = { ...ny, holidays: ['2026-11-26'] }

describe('business hours between two instants (store zone, weekends and holidays skipped)', () => {
  it('a Friday feed is 19 business hours old at 08:00 on Monday, not 67', () => {
    // Friday 13:00 EST (18:00Z) → Monday 08:00 EST (13:00Z): 11 h of Friday + 8 h of Monday.
    assert.equal(businessHoursBetween(at('2026-11-20T18:00:00Z'), at('2026-11-23T13:00:00Z'), ny), 19)
  })

  it('counts the store zone\'s days, not UTC days', () => {
    // Friday 23:00 EST is Saturday 04:00Z: Friday has one business hour left.
    assert.equal(businessHoursBetween(at('2026-11-21T04:00:00Z'), at('2026-11-23T05:00:00Z'), ny), 1)
  })

  it('skips holidays from the calendar', () => {
    // Wednesday 12:00 EST → Friday 12:00 EST over Thanksgiving: 12 + 0 + 12.
    assert.equal(businessHoursBetween(at('2026-11-25T17:00:00Z'), at('2026-11-27T17:00:00Z'), thanksgiving), 24)
    assert.equal(businessHoursBetween(at('2026-11-25T17:00:00Z'), at('2026-11-27T17:00:00Z'), ny), 48)
  })

  it('is 0 within a weekend and for a reversed range, and follows a DST change (a 25-hour Sunday is skipped anyway)', () => {
    assert.equal(businessHoursBetween(at('2026-11-21T15:00:00Z'), at('2026-11-22T15:00:00Z'), ny), 0)
    assert.equal(businessHoursBetween(at('2026-11-23T15:00:00Z'), at('2026-11-20T15:00:00Z'), ny), 0)
    // Fall back on Sunday 2026-11-01: Friday 12:00 EDT → Monday 12:00 EST is 12 + 12.
    assert.equal(businessHoursBetween(at('2026-10-30T16:00:00Z'), at('2026-11-02T17:00:00Z'), ny), 24)
  })

  it('the window start is where the business hours since it reach the cadence', () => {
    // 24 business hours before Monday 08:00 EST: Friday 08:00 EST.
    assert.deepEqual(businessWindowStart(at('2026-11-23T13:00:00Z'), 24, ny), at('2026-11-20T13:00:00Z'))
    // On a Saturday the window covers the whole of Friday.
    assert.deepEqual(businessWindowStart(at('2026-11-21T15:00:00Z'), 24, ny), at('2026-11-20T05:00:00Z'))
  })

  it('agrees with itself: the hours since the window start are the cadence (any instant, any cadence)', () => {
    fc.assert(fc.property(
      fc.date({ min: at('2026-01-01T00:00:00Z'), max: at('2027-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 1, max: 200 }),
      (now, hours) => Math.abs(businessHoursBetween(businessWindowStart(now, hours, thanksgiving), now, thanksgiving) - hours) < 1e-9,
    ))
  })
})

describe('supplier silence', () => {
  const cadence = 24
  it('a supplier whose last feed was Friday afternoon is not silent on Monday morning', () => {
    const s = supplierSilence({ lastFeedAt: at('2026-11-20T18:00:00Z'), oldestOpenPlacedAt: at('2026-11-18T15:00:00Z'), cadenceHours: cadence }, at('2026-11-23T13:00:00Z'), ny)
    assert.equal(s.silent, false)
    assert.equal(s.businessHours, 19)
    assert.equal(describeSilence(s.businessHours), '19 business hours')
  })

  it('is silent once a whole cadence of business time passed without a feed, while it has a line older than that', () => {
    const s = supplierSilence({ lastFeedAt: at('2026-11-20T18:00:00Z'), oldestOpenPlacedAt: at('2026-11-18T15:00:00Z'), cadenceHours: cadence }, at('2026-11-23T20:00:00Z'), ny)
    assert.equal(s.silent, true)
    assert.equal(describeSilence(s.businessHours), '26 business hours')
    // No line old enough to have been answered yet: not silent.
    assert.equal(supplierSilence({ lastFeedAt: at('2026-11-20T18:00:00Z'), oldestOpenPlacedAt: at('2026-11-23T14:00:00Z'), cadenceHours: cadence }, at('2026-11-23T20:00:00Z'), ny).silent, false)
    // No open lines at all: nothing to be silent about.
    assert.equal(supplierSilence({ lastFeedAt: null, oldestOpenPlacedAt: null, cadenceHours: cadence }, at('2026-11-23T20:00:00Z'), ny).silent, false)
  })

  it('speaks in business days past two days', () => {
    assert.equal(describeSilence(null), 'never sent a feed')
    assert.equal(describeSilence(1), '1 business hour')
    assert.equal(describeSilence(72), '3 business days')
    assert.equal(describeSilence(60), '2.5 business days')
  })
})
