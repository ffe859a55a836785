import { test } from 'node:test'
import assert from 'node:assert/strict'
import { businessAgeWords, businessHoursBefore, businessHoursBetween, parseWorkingHours } from '../../src/domain/business-hours.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'

const cal = { ...DEFAULT_CALENDAR, timeZone: 'America/New_York', holidays: ['2026-11-26'] }
const wh = { start: 9, end: 17 }
const at = (s: string) => new Date(s)

test('a task opened Friday 16:00 is 2 business hours old on Monday 10:00 (store zone, weekend skipped)', () => {
  // Fri Nov 20 2026 16:00 EST = 21:00Z; Mon Nov 23 10:00 EST = 15:00Z.
  assert.equal(businessHoursBetween(at('2026-11-20T21:00:00Z'), at('2026-11-23T15:00:00Z'), cal, wh), 2)
  assert.equal(businessAgeWords(2, wh), '2 h')
})

test('holidays and nights do not count; a whole working day is "1 d"', () => {
  // Wed Nov 25 17:00 EST → Fri Nov 27 17:00 EST: Thanksgiving (26th) skipped, Friday counts 8 h.
  assert.equal(businessHoursBetween(at('2026-11-25T22:00:00Z'), at('2026-11-27T22:00:00Z'), cal, wh), 8)
  assert.equal(businessAgeWords(8, wh), '1 d')
  assert.equal(businessAgeWords(19.5, wh), '2 d 3 h')
  assert.equal(businessAgeWords(0.5, wh), '30 min')
})

test('business hours before an instant walk back over the same days', () => {
  const monday10 = at('2026-11-23T15:00:00Z')
  assert.equal(businessHoursBefore(monday10, 2, cal, wh).toISOString(), '2026-11-20T21:00:00.000Z')
  assert.equal(businessHoursBefore(monday10, 0, cal, wh).toISOString(), monday10.toISOString())
  for (const h of [1, 5, 8, 13, 40]) {
    const from = businessHoursBefore(monday10, h, cal, wh)
    assert.equal(businessHoursBetween(from, monday10, cal, wh), h, `${h} h`)
  }
})

test('working hours are read as start-end, and nonsense is refused with the reason', () => {
  assert.deepEqual(parseWorkingHours('9-18'), { start: 9, end: 18 })
  assert.deepEqual(parseWorkingHours('08:30-17:00'), { start: 8.5, end: 17 })
  assert.throws(() => parseWorkingHours('18-9'), /working hours "18-9": expected start-end/)
  assert.throws(() => parseWorkingHours('nine to five'), /expected start-end/)
})
