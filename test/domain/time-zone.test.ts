/**
 * The store's time zone (WISMO_TIMEZONE, DESIGN.md "The store's own details"): "today", the
 * order day, promised dates and the sweep's next look are the store's, not UTC's.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEFAULT_CALENDAR, isValidTimeZone, localDay, startOfLocalDay } from '../../src/domain/calendar.ts'
import { deriveLineStatus, promisedShipDate } from '../../src/domain/line-state.ts'
import { nextCheckAt } from '../../src/domain/sweep-policy.ts'
import { loadConfig } from '../../src/config.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { buildLine, ctx, signals } from './builders.ts'

const NY = { ...DEFAULT_CALENDAR, timeZone: 'America/New_York' }
const UTC = { ...DEFAULT_CALENDAR, timeZone: 'UTC' }
const TOKYO = { ...DEFAULT_CALENDAR, timeZone: 'Asia/Tokyo' }

test('an instant\'s day is the store\'s: 22:00 in New York is still that day there', () => {
  const tuesdayNight = new Date('2026-12-02T03:00:00Z') // Tuesday 2026-12-01 22:00 EST
  assert.equal(localDay(tuesdayNight, NY), '2026-12-01')
  assert.equal(localDay(tuesdayNight, UTC), '2026-12-02')
  assert.equal(localDay(tuesdayNight, TOKYO), '2026-12-02')
  // Daylight time: 23:30 EDT on 2026-07-01 is 03:30 UTC on 07-02.
  assert.equal(localDay(new Date('2026-07-02T03:30:00Z'), NY), '2026-07-01')
  assert.equal(startOfLocalDay('2026-12-02', NY).toISOString(), '2026-12-02T05:00:00.000Z')
  assert.equal(startOfLocalDay('2026-07-02', NY).toISOString(), '2026-07-02T04:00:00.000Z')
})

test('an order placed at 22:00 in New York is promised from that day, not "tomorrow"', () => {
  // Placed Friday 2026-12-04 22:00 EST (Saturday 03:00 UTC), two business days' lead time.
  const line = buildLine({ placedAt: new Date('2026-12-05T03:00:00Z'), leadTimeDays: 2 })
  assert.equal(promisedShipDate(line, NY), '2026-12-08') // Friday + 2 business days = Tuesday
  assert.equal(promisedShipDate(line, UTC), '2026-12-09') // read in UTC it would be Saturday → Wednesday
})

test('"today" is the store\'s: a line promised for Tuesday is not late at 21:00 Tuesday in New York', () => {
  const line = buildLine({ promisedShipDate: '2026-12-01' })
  const lateEvening = new Date('2026-12-02T02:00:00Z') // Tuesday 21:00 EST, Wednesday in UTC
  assert.equal(deriveLineStatus(line, signals(), ctx({ now: lateEvening, calendar: NY })).state, 'processing')
  assert.equal(deriveLineStatus(line, signals(), ctx({ now: lateEvening, calendar: UTC })).state, 'delayed')
})

test('the sweep looks again when the store\'s day turns (midnight there)', () => {
  const status = deriveLineStatus(buildLine(), signals(), ctx({ now: new Date('2026-12-03T15:00:00Z'), calendar: NY }))
  assert.equal(nextCheckAt(status, { now: new Date('2026-12-03T15:00:00Z'), calendar: NY })?.toISOString(), '2026-12-04T05:00:00.000Z')
})

test('WISMO_TIMEZONE: an IANA name, America/New_York by default; anything else stops the config with a clear reason', () => {
  assert.equal(loadConfig({}).timezone, 'America/New_York')
  assert.equal(loadConfig({ WISMO_TIMEZONE: 'Europe/Berlin' }).timezone, 'Europe/Berlin')
  assert.ok(isValidTimeZone('UTC') && !isValidTimeZone('Mars/Olympus') && !isValidTimeZone(''))
  assert.throws(() => loadConfig({ WISMO_TIMEZONE: 'Eastern' }), (err: unknown) => {
    assert.ok(err instanceof DomainError)
    assert.equal(err.code, 'CONFIG_INVALID')
    assert.deepEqual(err.details, ['timezone: WISMO_TIMEZONE "Eastern" is not an IANA time zone name (like America/New_York, Europe/Berlin, UTC)'])
    return true
  })
  assert.throws(() => localDay(new Date(), 'Nowhere/Land'), /"Nowhere\/Land" is not an IANA time zone/)
})
