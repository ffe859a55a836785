import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { accuracyFigures, accuracyReport, laneKey, lineOutcome, median, nearestRank, weeksBack, type DeliveredLine, type StatedRow } from '../../src/domain/accuracy.ts'

const row = (state: string, earliest: string | null, latest: string | null, source: string | null = 'promise', day = '2026-11-01'): StatedRow =>
  ({ state, earliest, latest, source, day })

describe('median and the 90th percentile', () => {
  it('median: the middle, or the mean of the two middles', () => {
    assert.equal(median([3, -1, 2]), 2)
    assert.equal(median([4, 1, 2, 3]), 2.5)
    assert.equal(median([]), null)
  })
  it('p90 by nearest rank: a value that happened', () => {
    assert.equal(nearestRank([1, 2, 3], 0.9), 3)
    assert.equal(nearestRank([5, 1, 2, 3, 4, 6, 7, 8, 9, 10], 0.9), 9)
    assert.equal(nearestRank([], 0.9), null)
  })
})

describe('a line\'s milestones', () => {
  it('ordered is the first statement, shipped the first once in transit, last the last before delivery', () => {
    const o = lineOutcome([
      row('processing', '2026-11-05', '2026-11-09', 'promise'),
      row('backordered', '2026-11-16', '2026-11-20', 'supplier'),
      row('in_transit', '2026-11-18', '2026-11-19', 'carrier'),
      row('out_for_delivery', '2026-11-18', '2026-11-18', 'carrier'),
      row('delivered', '2026-11-18', '2026-11-18', 'carrier', '2026-11-18'),
    ])!
    assert.equal(o.delivered, '2026-11-18')
    assert.deepEqual(o.stated.ordered, { earliest: '2026-11-05', latest: '2026-11-09', source: 'promise' })
    assert.deepEqual(o.stated.shipped, { earliest: '2026-11-18', latest: '2026-11-19', source: 'carrier' })
    assert.deepEqual(o.stated.last, { earliest: '2026-11-18', latest: '2026-11-18', source: 'carrier' })
  })
  it('a milestone that stated no date leaves the line out of it; a line not delivered has no outcome', () => {
    const o = lineOutcome([row('backordered', null, null, null), row('delivered', '2026-11-20', '2026-11-20', 'carrier')])!
    assert.equal(o.stated.ordered, null)
    assert.equal(o.stated.shipped, null, 'never seen in transit')
    assert.equal(o.stated.last, null)
    assert.equal(lineOutcome([row('in_transit', '2026-11-18', '2026-11-19')]), null)
    assert.equal(lineOutcome([]), null)
  })
  it('a delivery that turned into an exception and was delivered again: the final delivery counts', () => {
    const o = lineOutcome([
      row('in_transit', '2026-11-10', '2026-11-12', 'carrier'),
      row('delivered', '2026-11-11', '2026-11-11', 'carrier'),
      row('exception', '2026-11-14', '2026-11-16', 'carrier'),
      row('delivered', '2026-11-15', '2026-11-15', 'carrier'),
    ])!
    assert.equal(o.delivered, '2026-11-15')
    assert.equal(o.stated.last?.latest, '2026-11-16')
  })
})

describe('the figures, hand-computed', () => {
  // actual, earliest, latest → padding (latest − actual), width (latest − earliest + 1), late days
  const samples = [
    { actual: '2026-11-10', earliest: '2026-11-08', latest: '2026-11-12' }, // in window, padding 2, width 5
    { actual: '2026-11-10', earliest: '2026-11-11', latest: '2026-11-13' }, // early: on time, not in window; padding 3, width 3
    { actual: '2026-11-15', earliest: '2026-11-10', latest: '2026-11-12' }, // late 3; padding −3, width 3
    { actual: '2026-11-13', earliest: '2026-11-12', latest: '2026-11-12' }, // late 1; padding −1, width 1
  ]
  it('shares, medians and the p90 of lateness among late lines', () => {
    assert.deepEqual(accuracyFigures(samples), {
      lines: 4, onTime: 0.5, inWindow: 0.25, medianPaddingDays: 0.5, medianWidthDays: 3, lateDaysP90: 3,
    })
  })
  it('no lines: no shares; no late line: no lateness', () => {
    assert.deepEqual(accuracyFigures([]), { lines: 0, onTime: null, inWindow: null, medianPaddingDays: null, medianWidthDays: null, lateDaysP90: null })
    assert.equal(accuracyFigures(samples.slice(0, 2)).lateDaysP90, null)
  })
})

describe('the report', () => {
  const line = (delivered: string, supplier: string, ordered: [string, string, string] | null, last: [string, string, string]): DeliveredLine => ({
    delivered,
    stated: {
      ordered: ordered && { earliest: ordered[0], latest: ordered[1], source: ordered[2] },
      shipped: null,
      last: { earliest: last[0], latest: last[1], source: last[2] },
    },
    keys: { supplier, carrier: 'UPS', lane: 'US 941 → US 100' },
  })
  const lines = [
    line('2026-11-10', 'ACME', ['2026-11-08', '2026-11-09', 'promise'], ['2026-11-10', '2026-11-10', 'carrier']),
    line('2026-11-12', 'BOLT', ['2026-11-10', '2026-11-14', 'supplier'], ['2026-11-12', '2026-11-12', 'carrier']),
    line('2026-11-30', 'ACME', null, ['2026-11-29', '2026-11-30', 'carrier']), // outside the period
  ]
  it('counts the lines delivered in the period only, and groups by the key asked for', () => {
    const r = accuracyReport(lines, { from: '2026-11-01', to: '2026-11-20' }, 'supplier')
    assert.deepEqual(Object.keys(r), ['from', 'to', 'milestones', 'by'])
    assert.equal(r.milestones.ordered.lines, 2)
    assert.equal(r.milestones.ordered.onTime, 0.5)
    assert.equal(r.milestones.shipped.lines, 0)
    assert.deepEqual(r.by.map((g) => [g.key, g.milestones.ordered.lines, g.milestones.last.lines]), [['ACME', 1, 1], ['BOLT', 1, 1]])
  })
  it('by source, a line falls in the group of each milestone\'s own source', () => {
    const r = accuracyReport(lines, { from: '2026-11-01', to: '2026-11-20' }, 'source')
    assert.deepEqual(r.by.map((g) => [g.key, g.milestones.ordered.lines, g.milestones.last.lines]), [['carrier', 0, 2], ['promise', 1, 0], ['supplier', 1, 0]])
  })
  it('without --by, no groups', () => {
    assert.deepEqual(accuracyReport(lines, { from: '2026-11-01', to: '2026-11-20' }, null).by, [])
  })
})

describe('lanes', () => {
  it('ship-from → ship-to by the first 3 characters of each postal code, with the country', () => {
    assert.equal(laneKey({ postalCode: '94107', country: 'US' }, { postalCode: '10001-2345', country: 'US' }), 'US 941 → US 100')
    assert.equal(laneKey({ postalCode: 'sw1a 1aa', country: 'GB' }, { postalCode: '01310-100', country: 'BR' }), 'GB SW1 → BR 013')
    assert.equal(laneKey({ postalCode: null, country: 'US' }, { postalCode: ' ', country: 'US' }), 'US ? → US ?')
  })
})

describe('weeks for the chart', () => {
  it('Monday to Sunday in the store\'s days, the current week ending today', () => {
    assert.deepEqual(weeksBack('2026-11-25', 3), [
      { from: '2026-11-09', to: '2026-11-15' }, { from: '2026-11-16', to: '2026-11-22' }, { from: '2026-11-23', to: '2026-11-25' },
    ])
    assert.deepEqual(weeksBack('2026-11-23', 1), [{ from: '2026-11-23', to: '2026-11-23' }], 'a Monday')
    assert.deepEqual(weeksBack('2026-11-29', 1), [{ from: '2026-11-23', to: '2026-11-29' }], 'a Sunday')
  })
})
