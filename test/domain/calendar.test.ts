import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  addBusinessDays,
  addCalendarDays,
  businessDaysBetween,
  calendarDays,
  DEFAULT_CALENDAR,
  isBusinessDay,
  nextBusinessDay,
  localDay,
  transitFor,
} from '../../src/domain/calendar.ts'
import { DomainError } from '../../src/domain/errors.ts'
import type { CalendarConfig } from '../../src/domain/types.ts'

const cal = DEFAULT_CALENDAR
// Thanksgiving (Thu 2026-11-26) and Christmas (Fri 2026-12-25).
const holidays: CalendarConfig = { ...DEFAULT_CALENDAR, holidays: ['2026-11-26', '2026-12-25'] }

describe('calendar', () => {
  it('takes the store\'s day of an instant, not the UTC one', () => {
    assert.equal(localDay(new Date('2026-12-04T23:59:59Z'), cal), '2026-12-04')
    assert.equal(localDay(new Date('2026-12-04T23:30:00-05:00'), cal), '2026-12-04', '23:30 in New York is still the 4th there')
  })

  it('knows weekends and holidays', () => {
    assert.equal(isBusinessDay('2026-12-04', cal), true) // Friday
    assert.equal(isBusinessDay('2026-12-05', cal), false) // Saturday
    assert.equal(isBusinessDay('2026-12-06', cal), false) // Sunday
    assert.equal(isBusinessDay('2026-12-25', cal), true)
    assert.equal(isBusinessDay('2026-12-25', holidays), false)
  })

  it('adds business days over weekends', () => {
    assert.equal(addBusinessDays('2026-12-04', 1, cal), '2026-12-07') // Fri + 1 → Mon
    assert.equal(addBusinessDays('2026-12-02', 2, cal), '2026-12-04')
    assert.equal(addBusinessDays('2026-12-02', 5, cal), '2026-12-09')
    assert.equal(addBusinessDays('2026-12-04', 0, cal), '2026-12-04')
  })

  it('rolls a weekend start forward before adding', () => {
    assert.equal(addBusinessDays('2026-12-05', 0, cal), '2026-12-07') // Sat + 0 → Mon
    assert.equal(addBusinessDays('2026-12-06', 1, cal), '2026-12-08') // Sun + 1 → Tue
  })

  it('skips holidays', () => {
    assert.equal(addBusinessDays('2026-11-25', 1, holidays), '2026-11-27') // over Thanksgiving
    assert.equal(addBusinessDays('2026-12-24', 1, holidays), '2026-12-28') // over Christmas and a weekend
    assert.equal(addBusinessDays('2026-12-25', 0, holidays), '2026-12-28')
    assert.equal(nextBusinessDay('2026-12-24', holidays), '2026-12-28')
  })

  it('next business day is strictly after', () => {
    assert.equal(nextBusinessDay('2026-12-02', cal), '2026-12-03')
    assert.equal(nextBusinessDay('2026-12-04', cal), '2026-12-07')
    assert.equal(nextBusinessDay('2026-12-05', cal), '2026-12-07')
  })

  it('counts business days in (a, b]', () => {
    assert.equal(businessDaysBetween('2026-12-04', '2026-12-07', cal), 1)
    assert.equal(businessDaysBetween('2026-12-01', '2026-12-01', cal), 0)
    assert.equal(businessDaysBetween('2026-11-30', '2026-12-07', cal), 5)
    assert.equal(businessDaysBetween('2026-12-07', '2026-11-30', cal), -5)
    assert.equal(businessDaysBetween('2026-12-21', '2026-12-28', holidays), 4)
  })

  it('counts calendar days across months and years', () => {
    assert.equal(calendarDays('2026-12-30', '2027-01-02'), 3)
    assert.equal(calendarDays('2027-01-02', '2026-12-30'), -3)
    assert.equal(addCalendarDays('2028-02-28', 1), '2028-02-29')
  })

  it('looks up transit days by service, case-insensitive, with a default', () => {
    assert.deepEqual(transitFor('Ground', cal), { min: 1, max: 5 })
    assert.deepEqual(transitFor('2DAY', cal), { min: 2, max: 2 })
    assert.deepEqual(transitFor('overnight', cal), { min: 1, max: 1 })
    assert.deepEqual(transitFor('LTL', cal), { min: 3, max: 7 })
    assert.deepEqual(transitFor(null, cal), { min: 2, max: 5 })
    assert.deepEqual(transitFor('pigeon', cal), { min: 2, max: 5 })
    assert.deepEqual(transitFor('constructor', cal), { min: 2, max: 5 })
    assert.deepEqual(transitFor('ground', { holidays: [], transitDays: {} }), { min: 2, max: 5 })
  })

  it('refuses bad dates and negative days with a DomainError', () => {
    assert.throws(() => addBusinessDays('2026-02-30', 1, cal), (e: unknown) => e instanceof DomainError && e.code === 'CALENDAR_DATE_INVALID')
    assert.throws(() => addBusinessDays('12/04/2026', 1, cal), DomainError)
    assert.throws(() => addBusinessDays('2026-12-04', -1, cal), (e: unknown) => e instanceof DomainError && e.code === 'CALENDAR_DAYS_INVALID')
  })
})
