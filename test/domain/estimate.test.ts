/**
 * The learned estimates (src/domain/estimate): hand-computed cases, then the properties the
 * issue asks for — no future fact leaks into a past estimate, calibration converges on a
 * drifting stream, a window names exactly the groups it was made from.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addBusinessDays, addCalendarDays, calendarDays, DEFAULT_CALENDAR, isBusinessDay } from '../../src/domain/calendar.ts'
import { encodeOffset, placeOffset } from '../../src/domain/estimate/day-offset.ts'
import { histOf, placeHist, shortestWindow, shrinkToward, survivalHist } from '../../src/domain/estimate/hist.ts'
import { laneKeys } from '../../src/domain/estimate/lane.ts'
import { calibrateLevels, learnModel, type EtaModel, type Observations, type OutcomeObs, type TransitObs } from '../../src/domain/estimate/learn.ts'
import { learnedEta, MIN_BASE, type Leg, type Situation } from '../../src/domain/estimate/forecast.ts'
import { createRng as rng } from '../x12/mutate.ts'

const cal = DEFAULT_CALENDAR
const NONE: Observations = { handoff: [], backorder: [], slip: [], transit: [], outcomes: [] }
const NY = { postalCode: '10001', country: 'US' }
const SF = { postalCode: '94107', country: 'US' }

function transit(ship: string, days: number, from = SF, to = NY, level = 'ground'): TransitObs {
  const delivered = addBusinessDays(ship, days, cal)
  return { level, from, to, ship, delivered, known: delivered }
}

describe('histograms and windows, hand-computed', () => {
  it('the shortest run of days holding the share asked for', () => {
    const h = histOf([1, 2, 2, 3, 3, 3, 3, 4, 9, 10].map((value) => ({ value, weight: 1 })))
    const dist = placeHist(h, (v) => addCalendarDays('2026-03-01', v))
    // 80% of ten: the eight values 1..4 (days 2..5), not the tails 9 and 10.
    assert.deepEqual(shortestWindow(dist, 0.8, calendarDays), { earliest: '2026-03-02', latest: '2026-03-05', mass: 0.8 })
    assert.deepEqual(shortestWindow(dist, 0.6, calendarDays)?.earliest, '2026-03-03')
    assert.equal(shortestWindow(dist, 1, calendarDays)?.latest, '2026-03-11')
  })

  it('a thin group borrows the wider shape in proportion to its own weight', () => {
    const thin = histOf([{ value: 5, weight: 2 }])
    const wide = histOf([{ value: 1, weight: 50 }, { value: 2, weight: 50 }])
    const mixed = shrinkToward(thin, wide, 8)
    assert.deepEqual(mixed.values, [1, 2, 5])
    assert.deepEqual(mixed.weights, [4, 4, 2])
    assert.equal(mixed.n, 1)
  })

  it('durations still under way count (Kaplan–Meier): an open one moves its weight to longer ones', () => {
    const w = (value: number) => ({ value, weight: 1 })
    assert.deepEqual(survivalHist([w(1), w(2), w(3)], [w(2)]), { values: [1, 2, 3], weights: [1, 1, 2], n: 4 })
    // Open longer than any that ended: it has lasted at least that long.
    assert.deepEqual(survivalHist([w(1)], [w(5)]), { values: [1, 5], weights: [1, 1], n: 2 })
    assert.deepEqual(survivalHist([w(1), w(4)], []), histOf([w(1), w(4)]))
  })

  it('a supplier whose backorders are still open learns windows that reach them', () => {
    const ended = Array.from({ length: 12 }, (_, i) => ({ supplier: 'SUP-A', start: addCalendarDays('2026-05-01', i), ship: addCalendarDays('2026-05-03', i), known: addCalendarDays('2026-05-03', i) }))
    const open = Array.from({ length: 12 }, (_, i) => ({ supplier: 'SUP-A', start: addCalendarDays('2026-05-01', i), known: '2026-06-30' }))
    const without = model({ backorder: ended })
    const withOpen = model({ backorder: ended, openBackorder: open })
    assert.deepEqual(without.backorder['SUP-A'].values, [2])
    assert.ok(Math.max(...withOpen.backorder['SUP-A'].values) >= 49, `open for seven weeks: ${withOpen.backorder['SUP-A'].values}`)
  })

  it('an offset counts business days, then the days after the last one (a Saturday delivery is not Friday)', () => {
    // 2026-03-05 is a Thursday.
    assert.equal(encodeOffset('2026-03-05', '2026-03-06', cal), 4) // Friday: one business day
    assert.equal(encodeOffset('2026-03-05', '2026-03-07', cal), 5) // Saturday: Friday + 1
    assert.equal(placeOffset('2026-03-05', 5, cal), '2026-03-07')
    assert.equal(placeOffset('2026-03-05', 8, cal), '2026-03-09') // two business days: Monday
  })

  it('round-trips every day a week or two out', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 20 }), (a, b) => {
      const from = addCalendarDays('2026-01-01', a)
      const to = addCalendarDays(from, b)
      const start = isBusinessDay(from, cal) ? from : addBusinessDays(from, 0, cal)
      if (to < start) return
      assert.equal(placeOffset(from, encodeOffset(from, to, cal), cal), to)
    }))
  })
})

describe('lanes from any country\'s postal codes', () => {
  it('reads a ZIP, a Brazilian CEP prefix and a UK outward code at falling precision', () => {
    assert.deepEqual(laneKeys(SF, NY), ['US 941 → US 100', 'US 9 → US 1', 'US → US'])
    assert.deepEqual(laneKeys({ postalCode: '01310', country: 'BR' }, { postalCode: '88015-600', country: 'BR' }), ['BR 013 → BR 880', 'BR 0 → BR 8', 'BR → BR'])
    assert.deepEqual(laneKeys({ postalCode: 'SW1A 1AA', country: 'GB' }, { postalCode: 'm1 1ae', country: 'GB' }), ['GB SW1 → GB M11', 'GB S → GB M', 'GB → GB'])
    // No postal code: only the country is known.
    assert.deepEqual(laneKeys({ postalCode: null, country: 'US' }, NY), ['US → US'])
  })
})

function situation(today: string, over: Partial<Situation> = {}): Situation {
  return { today, calendar: cal, supplier: 'SUP-A', from: SF, to: NY, ...over }
}

const model = (obs: Partial<Observations>, asOf = '2026-06-30', target = 0.9): EtaModel =>
  learnModel({ ...NONE, ...obs }, { asOf, country: 'US', target, calendar: cal })

describe('learned windows', () => {
  const parcels = Array.from({ length: 40 }, (_, i) => transit(addBusinessDays('2026-05-01', i, cal), i % 10 === 0 ? 5 : 2))

  it('too little history: no learned window (the rules stand)', () => {
    const m = model({ transit: parcels.slice(0, MIN_BASE - 1) })
    assert.equal(learnedEta(m, { kind: 'shipped', ship: '2026-06-29', level: 'ground' }, situation('2026-06-29')), null)
    assert.equal(learnedEta(null, { kind: 'shipped', ship: '2026-06-29', level: 'ground' }, situation('2026-06-29')), null)
  })

  it('a parcel in transit: the lane\'s transit cut at the calibrated share, naming its groups', () => {
    const m = model({ transit: parcels })
    const eta = learnedEta(m, { kind: 'shipped', ship: '2026-06-29', level: 'ground' }, situation('2026-06-29'))
    // 2026-06-29 is a Monday: 90% of parcels took 2 business days (Wednesday), 10% took 5 (next Monday).
    assert.deepEqual({ earliest: eta?.earliest, latest: eta?.latest, source: eta?.source }, { earliest: '2026-07-01', latest: '2026-07-01', source: 'carrier' })
    assert.equal(eta?.basis, 'lane US 941 → US 100 ground, 40 parcels')
    assert.ok(eta?.uses.includes('transit:ground|US 941 → US 100'))
    // Still not delivered on Thursday: only the slow parcels describe it now.
    const late = learnedEta(m, { kind: 'shipped', ship: '2026-06-29', level: 'ground' }, situation('2026-07-02'))
    assert.deepEqual([late?.earliest, late?.latest], ['2026-07-06', '2026-07-06'])
  })

  it('an order not yet shipped: the supplier\'s hand-off, then transit; a lane with no parcels borrows the country\'s', () => {
    const handoff = Array.from({ length: 30 }, (_, i) => {
      const start = addBusinessDays('2026-05-01', i, cal)
      const ship = addBusinessDays(start, 1, cal)
      return { supplier: 'SUP-A', start, ship, known: ship }
    })
    const m = model({ handoff, transit: parcels })
    const eta = learnedEta(m, { kind: 'handoff', start: '2026-06-29' }, situation('2026-06-29', { to: { postalCode: '60601', country: 'US' } }))
    assert.equal(eta?.source, 'history')
    assert.equal(eta?.earliest, '2026-07-02') // ships Tuesday, two business days
    assert.match(eta?.basis ?? '', /^supplier SUP-A hand-off, 30 orders; lane US → US all services, 40 parcels$/)
  })

  it('the slip of a supplier\'s stated dates moves its window', () => {
    const slip = Array.from({ length: 20 }, (_, i) => {
      const stated = addCalendarDays('2026-05-04', i)
      return { supplier: 'SUP-A', stated, ship: addCalendarDays(stated, 7), known: addCalendarDays(stated, 7) }
    })
    const m = model({ slip, transit: parcels })
    const eta = learnedEta(m, { kind: 'stated', stated: '2026-07-06' }, situation('2026-06-29'))
    assert.equal(eta?.source, 'supplier')
    assert.ok((eta?.earliest ?? '') >= '2026-07-13', `a week late, then transit: ${eta?.earliest}`)
    assert.match(eta?.basis ?? '', /supplier SUP-A stated dates, 20 dates/)
  })
})

const obsArb: fc.Arbitrary<Observations> = fc
  .array(fc.record({ a: fc.integer({ min: 0, max: 200 }), d: fc.integer({ min: 0, max: 12 }), lag: fc.integer({ min: 0, max: 3 }), s: fc.constantFrom('SUP-A', 'SUP-B'), to: fc.constantFrom('10001', '60601', '94107', '02139'), level: fc.constantFrom('ground', '2day') }), { maxLength: 80 })
  .map((rows) => {
    const obs: Observations = { handoff: [], backorder: [], slip: [], transit: [], outcomes: [] }
    for (const r of rows) {
      const start = addCalendarDays('2026-01-01', r.a)
      const ship = addCalendarDays(start, r.d)
      const known = addCalendarDays(ship, r.lag)
      obs.handoff.push({ supplier: r.s, start, ship, known })
      if (r.d > 6) obs.backorder.push({ supplier: r.s, start, ship, known })
      obs.slip.push({ supplier: r.s, stated: addCalendarDays(ship, -r.lag), ship, known })
      const delivered = addCalendarDays(ship, 1 + (r.d % 5))
      obs.transit.push({ level: r.level, from: SF, to: { postalCode: r.to, country: 'US' }, ship, delivered, known: delivered })
      obs.outcomes.push({ milestone: r.d % 2 ? 'ordered' : 'shipped', earliest: ship, latest: addCalendarDays(ship, 3), delivered, known: delivered })
    }
    return obs
  })

const legArb: fc.Arbitrary<Leg> = fc.oneof(
  fc.integer({ min: 100, max: 220 }).map((n): Leg => ({ kind: 'handoff', start: addCalendarDays('2026-01-01', n) })),
  fc.integer({ min: 100, max: 220 }).map((n): Leg => ({ kind: 'backorder', start: addCalendarDays('2026-01-01', n) })),
  fc.integer({ min: 100, max: 240 }).map((n): Leg => ({ kind: 'stated', stated: addCalendarDays('2026-01-01', n) })),
  fc.record({ n: fc.integer({ min: 100, max: 220 }), level: fc.constantFrom('ground', '2day', 'freight') }).map(({ n, level }): Leg => ({ kind: 'shipped', ship: addCalendarDays('2026-01-01', n), level })),
)

describe('properties', () => {
  it('no future leaks: facts learned after the day never change that day\'s model', () => {
    fc.assert(fc.property(obsArb, obsArb, fc.integer({ min: 20, max: 220 }), (past, future, n) => {
      const asOf = addCalendarDays('2026-01-01', n)
      const known = <T extends { known: string }>(l: T[]) => l.filter((o) => o.known <= asOf)
      const later = <T extends { known: string }>(l: T[]) => l.map((o) => ({ ...o, known: addCalendarDays(asOf, 1 + (o.known.charCodeAt(9) % 5)) }))
      const base: Observations = { handoff: known(past.handoff), backorder: known(past.backorder), slip: known(past.slip), transit: known(past.transit), outcomes: known(past.outcomes) }
      const withFuture: Observations = {
        handoff: [...base.handoff, ...later(future.handoff)], backorder: [...base.backorder, ...later(future.backorder)],
        slip: [...base.slip, ...later(future.slip)], transit: [...base.transit, ...later(future.transit)], outcomes: [...base.outcomes, ...later(future.outcomes)],
      }
      assert.deepEqual(model(withFuture, asOf), model(base, asOf))
    }), { numRuns: 60 })
  })

  it('a window never names a group it did not use, and groups it did not use never change it', () => {
    fc.assert(fc.property(obsArb, legArb, fc.integer({ min: 0, max: 30 }), (obs, leg, ahead) => {
      const m = model(obs, '2026-07-20')
      const sit = situation(addCalendarDays('2026-07-20', ahead - 10))
      const eta = learnedEta(m, leg, sit)
      if (!eta) return
      const used = new Set(eta.uses)
      for (const u of eta.uses) {
        const [part, key] = [u.slice(0, u.indexOf(':')), u.slice(u.indexOf(':') + 1)]
        assert.ok(Object.hasOwn(m[part as 'transit'], key), `${u} is in the model`)
      }
      const pruned = { ...m } as EtaModel
      for (const part of ['handoff', 'backorder', 'slip', 'transit'] as const) {
        pruned[part] = Object.fromEntries(Object.entries(m[part]).filter(([k]) => used.has(`${part}:${k}`)))
      }
      assert.deepEqual(learnedEta(pruned, leg, sit), eta)
    }), { numRuns: 150 })
  })

  it('calibration converges on a drifting stream: the share kept comes to the target', () => {
    for (const target of [0.8, 0.9, 0.95]) {
      fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const kept = driftingStream(seed, target)
        // Windows are whole days, so the share kept lands at or a little above the target, never far below.
        assert.ok(kept >= target - 0.03 && kept <= target + 0.06, `target ${target}: kept ${kept.toFixed(3)} on the second half (seed ${seed})`)
      }), { numRuns: 3 })
    }
  })

  it('the same history in any order learns the same model (rows come in whatever order a query plan gives)', () => {
    fc.assert(fc.property(obsArb, fc.integer({ min: 1, max: 1_000_000 }), (obs, seed) => {
      const rand = rng(seed)
      const shuffle = <T,>(l: readonly T[]): T[] => {
        const out = [...l]
        for (let i = out.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1))
          ;[out[i], out[j]] = [out[j], out[i]]
        }
        return out
      }
      const shuffled: Observations = {
        handoff: shuffle(obs.handoff), backorder: shuffle(obs.backorder), slip: shuffle(obs.slip), transit: shuffle(obs.transit), outcomes: shuffle(obs.outcomes),
      }
      assert.deepEqual(model(shuffled, '2026-07-20'), model(obs, '2026-07-20'))
    }), { numRuns: 60 })
    // Clamped at the ceiling, then hits and misses on one day: their order must not decide the level.
    const o = (delivered: string, latest = '2026-01-06'): OutcomeObs => ({ milestone: 'shipped', earliest: '2026-01-05', latest, delivered, known: '2026-01-20' })
    const day = [...Array.from({ length: 600 }, () => o('2026-01-09')), ...Array.from({ length: 30 }, () => o('2026-01-06', '2026-01-07'))]
    assert.equal(calibrateLevels(day, 0.9).shipped, calibrateLevels([...day].reverse(), 0.9).shipped)
  })

  it('the calibrated level rises after misses and falls after hits, within its bounds', () => {
    const miss = (known: string): OutcomeObs => ({ milestone: 'shipped', earliest: '2026-01-05', latest: '2026-01-06', delivered: '2026-01-09', known })
    const hit = (known: string): OutcomeObs => ({ milestone: 'shipped', earliest: '2026-01-05', latest: '2026-01-06', delivered: '2026-01-06', known })
    assert.ok(calibrateLevels([miss('2026-01-09')], 0.9).shipped > 0.9)
    assert.ok(calibrateLevels([hit('2026-01-09')], 0.9).shipped < 0.9)
    assert.equal(calibrateLevels(Array.from({ length: 5000 }, () => miss('2026-01-09')), 0.9).shipped, 0.995)
    assert.equal(calibrateLevels([], 0.9).ordered, 0.9)
  })
})

/**
 * Parcels whose transit drifts (2–4 business days, then slower and wider as a peak builds, then
 * back), each day's windows stated by the model learned the night before and resolved when they
 * arrive. Returns the share inside their window over the second half.
 */
function driftingStream(seed: number, target: number): number {
  const rand = rng(seed)
  const obs: Observations = { ...NONE, transit: [], outcomes: [] }
  const pending: { ship: string; delivered: string; earliest: string; latest: string }[] = []
  let inWindow = 0
  let resolved = 0
  const days = 240
  for (let d = 0; d < days; d++) {
    const today = addCalendarDays('2026-01-05', d)
    // Resolve what arrived by today.
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i]
      if (p.delivered > today) continue
      pending.splice(i, 1)
      obs.transit.push({ level: 'ground', from: SF, to: NY, ship: p.ship, delivered: p.delivered, known: p.delivered })
      obs.outcomes.push({ milestone: 'shipped', earliest: p.earliest, latest: p.latest, delivered: p.delivered, known: p.delivered })
      if (d >= days / 2) {
        resolved++
        if (p.earliest <= p.delivered && p.delivered <= p.latest) inWindow++
      }
    }
    if (!isBusinessDay(today, cal)) continue
    const m = learnModel(obs, { asOf: addCalendarDays(today, -1), country: 'US', target, calendar: cal })
    const peak = d > 60 && d < 140 ? Math.min(3, (d - 60) / 20) : 0
    for (let k = 0; k < 12; k++) {
      const days = 2 + Math.floor(rand() * 3) + Math.floor(rand() * (1 + peak * 2))
      const delivered = addBusinessDays(today, days, cal)
      const eta = learnedEta(m, { kind: 'shipped', ship: today, level: 'ground' }, situation(today))
      pending.push({ ship: today, delivered, earliest: eta?.earliest ?? today, latest: eta?.latest ?? addBusinessDays(today, 5, cal) })
    }
  }
  return inWindow / resolved
}

describe('the promise before the purchase uses the same model', () => {
  it('in stock: the supplier\'s learned hand-off and the lane to the shopper, named', async () => {
    const { promiseFor } = await import('../../src/domain/promise.ts')
    const handoff = Array.from({ length: 30 }, (_, i) => {
      const start = addBusinessDays('2026-05-01', i, cal)
      return { supplier: 'SUP-A', start, ship: addBusinessDays(start, 2, cal), known: addBusinessDays(start, 2, cal) }
    })
    const parcels = Array.from({ length: 40 }, (_, i) => transit(addBusinessDays('2026-05-01', i, cal), 3))
    const m = model({ handoff, transit: parcels })
    const offer = { supplierId: 'SUP-A', availableQty: 5, restockDate: null, leadTimeDays: 1, backorderDays: [], shipFrom: SF }
    const answer = promiseFor({ qty: 1, offers: [offer], today: '2026-06-29', calendar: cal, model: m, to: NY })
    assert.equal(answer.inStock, true)
    assert.equal(answer.arrive?.source, 'history')
    assert.equal(answer.arrive?.earliest, '2026-07-06') // ships Wednesday, three business days: Monday
    assert.match(answer.arrive?.basis ?? '', /^supplier SUP-A hand-off, 30 orders; lane US 941 → US 100 all services, 40 parcels$/)
    // Without a model: the rules, as before.
    assert.equal(promiseFor({ qty: 1, offers: [offer], today: '2026-06-29', calendar: cal }).arrive?.source, 'promise')
  })
})
