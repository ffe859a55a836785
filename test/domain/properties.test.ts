import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addCalendarDays, DEFAULT_CALENDAR, localDay } from '../../src/domain/calendar.ts'
import { deriveLineStatus, type DeriveContext } from '../../src/domain/line-state.ts'
import { deriveOrderStatus } from '../../src/domain/order-status.ts'
import { CARRIER_STATUSES, SUPPLIER_STATUSES, type Line, type LineSignals } from '../../src/domain/types.ts'
import { buildLine, PLACED } from './builders.ts'

const HOUR = 3_600_000
const TRACKING = ['1Z1', '1Z2', '1Z3']
const MONTHS = /January|February|March|April|May|June|July|August|September|October|November|December/

const day = fc.integer({ min: -5, max: 45 }).map((n) => addCalendarDays('2026-11-30', n))
const instant = fc.integer({ min: -5 * 24, max: 45 * 24 }).map((h) => new Date(PLACED.getTime() + h * HOUR))
// Whole days only, so that ties (same instant, different messages or events) are common.
const coarse = fc.integer({ min: -2, max: 20 }).map((n) => new Date(PLACED.getTime() + n * 24 * HOUR))
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null })

const lineArb: fc.Arbitrary<Line> = fc
  .record({
    qty: fc.integer({ min: 1, max: 8 }),
    leadTimeDays: fc.integer({ min: 0, max: 5 }),
    promisedShipDate: maybe(day),
    cancelled: fc.boolean(),
    cancelledQty: maybe(fc.integer({ min: 0, max: 9 })),
  })
  .map(({ cancelled, ...r }) => buildLine({ ...r, cancelledAt: cancelled ? PLACED : null, cancelledQty: r.cancelledQty }))

const signalsArb: fc.Arbitrary<LineSignals> = fc.record({
  supplierSignals: fc.array(
    fc.record({
      messageId: fc.integer({ min: 1, max: 4 }),
      status: fc.constantFrom(...SUPPLIER_STATUSES),
      qty: maybe(fc.integer({ min: 0, max: 8 })),
      expectedShipDate: maybe(day),
      receivedAt: coarse,
      source: fc.constantFrom('855', '870', 'csv'),
    }),
    { maxLength: 6 },
  ),
  shipments: fc.array(
    fc.record({
      carrier: maybe(fc.constantFrom('UPS', 'FedEx')),
      trackingNumber: fc.constantFrom(...TRACKING),
      service: maybe(fc.constantFrom('ground', '2day', 'freight', 'unknown')),
      shippedAt: coarse,
      qty: fc.integer({ min: 0, max: 6 }),
    }),
    { maxLength: 3 },
  ),
  carrierEvents: fc.array(
    fc.record({
      trackingNumber: fc.constantFrom(...TRACKING),
      carrier: maybe(fc.constantFrom('UPS', 'FedEx')),
      status: fc.constantFrom(...CARRIER_STATUSES),
      occurredAt: coarse,
      location: maybe(fc.constantFrom('Memphis, TN', 'Reno, NV')),
      message: maybe(fc.constantFrom('Delivery attempted', 'Damaged')),
      estimatedDelivery: maybe(day),
    }),
    { maxLength: 6 },
  ),
  offer: maybe(fc.record({ availableQty: maybe(fc.constantFrom(0, 3)), restockDate: maybe(day) })),
})

const ctxArb: fc.Arbitrary<DeriveContext> = fc.record({
  now: instant,
  calendar: fc.constantFrom(DEFAULT_CALENDAR, { ...DEFAULT_CALENDAR, holidays: ['2026-12-24', '2026-12-25', '2027-01-01'] }),
  history: maybe(fc.record({ backorderDays: fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 6 }) })),
})

/** The same arrays, each in another order. */
const shuffled = (s: LineSignals): fc.Arbitrary<LineSignals> => {
  const perm = <T>(xs: T[]) => fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length })
  return fc.record({
    supplierSignals: perm(s.supplierSignals),
    shipments: perm(s.shipments),
    carrierEvents: perm(s.carrierEvents),
    offer: fc.constant(s.offer),
  })
}

describe('properties', () => {
  it('the order of signals never changes the result', () => {
    const arb = fc.tuple(lineArb, signalsArb, ctxArb).chain(([line, sigs, ctx]) => fc.tuple(fc.constant(line), fc.constant(sigs), shuffled(sigs), fc.constant(ctx)))
    fc.assert(
      fc.property(arb, ([line, sigs, reordered, ctx]) => {
        assert.deepEqual(deriveLineStatus(line, reordered, ctx), deriveLineStatus(line, sigs, ctx))
      }),
      { numRuns: 300 },
    )
  })

  it('quantities are positive, sum to the line quantity, and include the state', () => {
    fc.assert(
      fc.property(lineArb, signalsArb, ctxArb, (line, sigs, ctx) => {
        const s = deriveLineStatus(line, sigs, ctx)
        const counts = Object.values(s.quantities)
        assert.ok(counts.every((n) => Number.isInteger(n) && n > 0), JSON.stringify(s.quantities))
        assert.equal(counts.reduce((a, b) => a + b, 0), line.qty)
        assert.ok((s.quantities[s.state] ?? 0) > 0, `${s.state} not in ${JSON.stringify(s.quantities)}`)
      }),
      { numRuns: 300 },
    )
  })

  it('an ETA is an ordered window, never before today unless delivered', () => {
    fc.assert(
      fc.property(lineArb, signalsArb, ctxArb, (line, sigs, ctx) => {
        const s = deriveLineStatus(line, sigs, ctx)
        if (s.state === 'cancelled' || s.state === 'unavailable') assert.equal(s.eta, null)
        if (!s.eta) return
        assert.ok(s.eta.earliest <= s.eta.latest, JSON.stringify(s.eta))
        if (s.state !== 'delivered') assert.ok(s.eta.earliest >= localDay(ctx.now, ctx.calendar), `${JSON.stringify(s.eta)} before ${localDay(ctx.now, ctx.calendar)}`)
      }),
      { numRuns: 300 },
    )
  })

  it('a backorder with no ETA is never given a date in words', () => {
    fc.assert(
      fc.property(lineArb, signalsArb, ctxArb, (line, sigs, ctx) => {
        const s = deriveLineStatus(line, sigs, ctx)
        assert.ok(s.explanation.length > 0)
        if (s.state === 'backordered' && s.eta === null) assert.doesNotMatch(s.explanation, MONTHS)
      }),
      { numRuns: 200 },
    )
  })

  it("the order's state is one of its lines' states, and its ETA is an ordered window", () => {
    const lines = fc.array(fc.tuple(lineArb, signalsArb), { minLength: 1, maxLength: 4 })
    fc.assert(
      fc.property(lines, ctxArb, (pairs, ctx) => {
        const statuses = pairs.map(([line, sigs]) => deriveLineStatus(line, sigs, ctx))
        const order = deriveOrderStatus(statuses)
        assert.ok(statuses.some((l) => l.state === order.state), `${order.state} not in ${statuses.map((l) => l.state)}`)
        if (order.eta) assert.ok(order.eta.earliest <= order.eta.latest)
        assert.ok(order.headline.length > 0)
      }),
      { numRuns: 150 },
    )
  })
})
