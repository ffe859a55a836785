import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDuration, planReplay, sweepTimes } from '../../src/replay/plan.ts'
import { parseAt, type Arrival } from '../../src/replay/manifest.ts'

const NY = 'America/New_York'
const iso = (ds: Date[]) => ds.map((d) => d.toISOString())

test('parseDuration: a whole number of minutes, hours or days; anything else is null', () => {
  assert.equal(parseDuration('30m'), 30 * 60_000)
  assert.equal(parseDuration('6h'), 6 * 3_600_000)
  assert.equal(parseDuration('1d'), 86_400_000)
  for (const bad of ['', '0h', '6', 'h', '1.5h', '6 hours', '-1h', '2w']) assert.equal(parseDuration(bad), null, bad)
})

test('sweepTimes: 6h boundaries are the store’s 00, 06, 12, 18 (also across the DST change), from the first arrival to the first boundary at or after the last', () => {
  // Sun 1 Nov 2026 02:00 EDT → 01:00 EST: that day’s boundaries after midnight move from UTC−4 to UTC−5.
  const times = sweepTimes(new Date('2026-11-01T03:00:00Z'), new Date('2026-11-01T22:30:00Z'), 6 * 3_600_000, NY)
  assert.deepEqual(iso(times), ['2026-11-01T04:00:00.000Z', '2026-11-01T11:00:00.000Z', '2026-11-01T17:00:00.000Z', '2026-11-01T23:00:00.000Z'])
  // An arrival on a boundary has its sweep there; a single arrival still gets one sweep.
  assert.deepEqual(iso(sweepTimes(new Date('2026-11-02T17:00:00Z'), new Date('2026-11-02T17:00:00Z'), 6 * 3_600_000, NY)), ['2026-11-02T17:00:00.000Z'])
  // 1d: each local midnight. 7h does not divide a day: counted from the first day’s midnight.
  assert.deepEqual(iso(sweepTimes(new Date('2026-11-02T15:00:00Z'), new Date('2026-11-03T15:00:00Z'), 86_400_000, NY)), ['2026-11-03T05:00:00.000Z', '2026-11-04T05:00:00.000Z'])
  assert.deepEqual(iso(sweepTimes(new Date('2026-11-02T06:00:00Z'), new Date('2026-11-02T13:00:00Z'), 7 * 3_600_000, NY)), ['2026-11-02T12:00:00.000Z', '2026-11-02T19:00:00.000Z'])
})

const arrival = (line: number, at: string, kind: Arrival['kind'] = 'feed'): Arrival =>
  ({ line, at: new Date(at), kind, file: `f${line}`, path: `/x/f${line}`, supplier: kind === 'feed' ? 'ACME' : null })

test('planReplay: arrivals in time order, equal times in manifest order, a sweep at the same instant after the arrival', () => {
  const steps = planReplay([
    arrival(2, '2026-11-02T17:00:00Z'), arrival(3, '2026-11-02T09:00:00Z', 'orders'), arrival(4, '2026-11-02T17:00:00Z', 'carrier'),
  ], 6 * 3_600_000, NY)
  assert.deepEqual(steps.map((s) => (s.kind === 'sweep' ? `sweep ${s.at.toISOString()}` : `line ${s.arrival.line}`)), [
    'line 3', 'sweep 2026-11-02T11:00:00.000Z', 'line 2', 'line 4', 'sweep 2026-11-02T17:00:00.000Z',
  ])
  assert.deepEqual(planReplay([], 3_600_000, NY), [])
})

test('parseAt: a date-time with Z or an offset; without one the store’s time; a date is the store’s midnight', () => {
  assert.equal(parseAt('2026-11-02T15:00:00Z', NY)?.toISOString(), '2026-11-02T15:00:00.000Z')
  assert.equal(parseAt('2026-11-02T15:00:00+01:00', NY)?.toISOString(), '2026-11-02T14:00:00.000Z')
  assert.equal(parseAt('2026-11-02T10:00', NY)?.toISOString(), '2026-11-02T15:00:00.000Z')
  assert.equal(parseAt('2026-11-02', NY)?.toISOString(), '2026-11-02T05:00:00.000Z')
  for (const bad of ['', 'yesterday', '2026-02-30T10:00:00Z', '2026-11-02T25:00:00Z', '11/02/2026', '2026']) assert.equal(parseAt(bad, NY), null, bad)
})
