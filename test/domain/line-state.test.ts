import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { deriveLineStatus, promisedShipDate } from '../../src/domain/line-state.ts'
import { at, buildLine, ctx, signal, signals } from './builders.ts'

const LATE = ctx({ now: at('2026-12-04') }) // Friday: the Wednesday promise is missed

describe('promisedShipDate', () => {
  it("uses the order's promised date when given", () => {
    assert.equal(promisedShipDate(buildLine({ promisedShipDate: '2026-12-10' }), DEFAULT_CALENDAR), '2026-12-10')
  })
  it('else adds the lead time in business days to the order day, over weekends and holidays', () => {
    assert.equal(promisedShipDate(buildLine(), DEFAULT_CALENDAR), '2026-12-02')
    const fridayOrder = buildLine({ placedAt: at('2026-12-04'), leadTimeDays: 1 })
    assert.equal(promisedShipDate(fridayOrder, DEFAULT_CALENDAR), '2026-12-07')
    const beforeThanksgiving = buildLine({ placedAt: at('2026-11-25'), leadTimeDays: 1 })
    assert.equal(promisedShipDate(beforeThanksgiving, { ...DEFAULT_CALENDAR, holidays: ['2026-11-26'] }), '2026-11-27')
  })
})

describe('deriveLineStatus: unshipped', () => {
  it('processing: nothing heard, within the promise; ETA = promise + transit', () => {
    const s = deriveLineStatus(buildLine(), signals(), ctx())
    assert.equal(s.state, 'processing')
    assert.deepEqual(s.quantities, { processing: 5 })
    assert.deepEqual(s.eta, { earliest: '2026-12-04', latest: '2026-12-09', source: 'promise' })
    assert.equal(s.resolution, null)
    assert.match(s.explanation, /being prepared.*Friday, December 4/)
  })

  it('processing: a supplier ship date later than the promise moves the ETA', () => {
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('accepted', { expectedShipDate: '2026-12-09' })] }), ctx())
    assert.equal(s.state, 'processing')
    assert.deepEqual(s.eta, { earliest: '2026-12-11', latest: '2026-12-16', source: 'supplier' })
  })

  it('delayed: past the promise, no explanation; ETA from the next business day', () => {
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('accepted')] }), LATE)
    assert.equal(s.state, 'delayed')
    assert.deepEqual(s.eta, { earliest: '2026-12-09', latest: '2026-12-14', source: 'promise' })
    assert.match(s.explanation, /sorry/)
    assert.match(s.explanation, /missed (its|their) ship date of Wednesday, December 2/)
    assert.match(s.explanation, /checking with the supplier/)
  })

  it('delayed: with a supplier date, the ETA follows it', () => {
    const sig = signal('rescheduled', { expectedShipDate: '2026-12-08' })
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [sig] }), LATE)
    assert.equal(s.state, 'delayed')
    assert.equal(s.expectedShipDate, '2026-12-08')
    assert.deepEqual(s.eta, { earliest: '2026-12-10', latest: '2026-12-15', source: 'supplier' })
    assert.match(s.explanation, /Tuesday, December 8/)
  })

  it('on hold counts as accepted and tells the rep why', () => {
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('on_hold')] }), ctx())
    assert.equal(s.state, 'processing')
    assert.match(s.reason ?? '', /on hold/)
  })

  it('backordered with a date: ETA = expected ship date + transit, from the supplier', () => {
    const sig = signal('backordered', { expectedShipDate: '2026-12-15', source: '870' })
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [sig] }), ctx())
    assert.equal(s.state, 'backordered')
    assert.equal(s.expectedShipDate, '2026-12-15')
    assert.deepEqual(s.eta, { earliest: '2026-12-17', latest: '2026-12-22', source: 'supplier' })
    assert.equal(s.resolution, 'ugly')
    assert.match(s.explanation, /backordered — we expect them to ship around Tuesday, December 15/)
  })

  it('backordered with no date and no history: ETA unknown, and no date in the words', () => {
    const s = deriveLineStatus(buildLine({ qty: 1 }), signals({ supplierSignals: [signal('backordered')] }), ctx())
    assert.equal(s.eta, null)
    assert.match(s.explanation, /not known/)
    assert.doesNotMatch(s.explanation, /January|February|March|April|May|June|July|August|September|October|November|December/)
  })

  it('backordered with history: a window from the first backorder day (median .. p90) + transit', () => {
    const first = signal('backordered', { receivedAt: at('2026-11-30') })
    const again = signal('backordered', { receivedAt: at('2026-12-02') })
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [again, first] }), ctx({ history: { backorderDays: [30, 5, 20, 10] } }))
    // 11-30 + 10 days = 12-10, + 2 business days; 11-30 + 30 days = 12-30, + 5 business days.
    assert.deepEqual(s.eta, { earliest: '2026-12-14', latest: '2027-01-06', source: 'history' })
    assert.match(s.explanation, /estimate/)
  })

  it('history needs at least 3 samples', () => {
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('backordered')] }), ctx({ history: { backorderDays: [5, 10] } }))
    assert.equal(s.eta, null)
  })

  it('stock 0 at the supplier and not acknowledged: backordered until the restock date', () => {
    const s = deriveLineStatus(buildLine(), signals({ offer: { availableQty: 0, restockDate: '2026-12-10' } }), ctx())
    assert.equal(s.state, 'backordered')
    assert.equal(s.expectedShipDate, '2026-12-10')
    assert.deepEqual(s.eta, { earliest: '2026-12-14', latest: '2026-12-17', source: 'supplier' })
  })

  it('stock 0 does not override an acceptance', () => {
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('accepted')], offer: { availableQty: 0, restockDate: null } }), ctx())
    assert.equal(s.state, 'processing')
  })

  it('restocked: backordered, then accepted (the later signal supersedes)', () => {
    const bo = signal('backordered', { receivedAt: at('2026-11-30') })
    const ok = signal('accepted', { receivedAt: at('2026-12-01'), expectedShipDate: '2026-12-08' })
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [bo, ok] }), ctx())
    assert.equal(s.state, 'restocked')
    assert.deepEqual(s.eta, { earliest: '2026-12-10', latest: '2026-12-15', source: 'supplier' })
    assert.equal(s.resolution, 'intermediate')
    assert.match(s.explanation, /^Good news/)
  })

  it('restocked with no date and no history: latest signal day + lead time + transit', () => {
    const bo = signal('backordered', { receivedAt: at('2026-11-30') })
    const ok = signal('accepted', { receivedAt: at('2026-12-01') })
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [bo, ok] }), ctx())
    assert.deepEqual(s.eta, { earliest: '2026-12-07', latest: '2026-12-10', source: 'supplier' })
  })

  it('restocked counts only the units that were backordered', () => {
    const bp1 = [signal('accepted', { messageId: 1, qty: 3, receivedAt: at('2026-11-30') }), signal('backordered', { messageId: 1, qty: 2, receivedAt: at('2026-11-30') })]
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [...bp1, signal('accepted', { messageId: 2 })] }), ctx())
    assert.deepEqual(s.quantities, { restocked: 2, processing: 3 })
    assert.equal(s.state, 'restocked')
  })

  it('BP: 3 accepted and 2 backordered in one message', () => {
    const bp = [signal('accepted', { messageId: 7, qty: 3 }), signal('backordered', { messageId: 7, qty: 2, expectedShipDate: '2026-12-21' })]
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: bp }), ctx())
    assert.equal(s.state, 'backordered')
    assert.deepEqual(s.quantities, { backordered: 2, processing: 3 })
    assert.equal(s.expectedShipDate, '2026-12-21')
    assert.match(s.explanation, /^3 of 5 are being prepared; the other 2 are backordered/)
  })

  it('unavailable: the latest signal is a rejection', () => {
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('accepted', { receivedAt: at('2026-11-30') }), signal('rejected', { source: '855' })] }), ctx())
    assert.equal(s.state, 'unavailable')
    assert.equal(s.eta, null)
    assert.equal(s.reason, 'rejected by the supplier (855)')
  })

  it('the same receivedAt: the higher message id is the later word', () => {
    const a = signal('backordered', { messageId: 1 })
    const b = signal('accepted', { messageId: 2 })
    assert.equal(deriveLineStatus(buildLine(), signals({ supplierSignals: [b, a] }), ctx()).state, 'restocked')
  })

  it('signal order does not matter', () => {
    const sigs = [
      signal('accepted', { messageId: 1, receivedAt: at('2026-11-30') }),
      signal('backordered', { messageId: 2, qty: 2, receivedAt: at('2026-12-01'), expectedShipDate: '2026-12-14' }),
      signal('accepted', { messageId: 2, qty: 3, receivedAt: at('2026-12-01') }),
    ]
    const forward = deriveLineStatus(buildLine(), signals({ supplierSignals: sigs }), ctx())
    const backward = deriveLineStatus(buildLine(), signals({ supplierSignals: [...sigs].reverse() }), ctx())
    assert.deepEqual(backward, forward)
    assert.equal(forward.state, 'backordered')
  })

  it('partial cancel: that many units cancelled, the rest derived as usual', () => {
    const s = deriveLineStatus(buildLine({ cancelledAt: at('2026-12-01'), cancelledQty: 2 }), signals({ supplierSignals: [signal('backordered')] }), ctx())
    assert.deepEqual(s.quantities, { cancelled: 2, backordered: 3 })
    assert.equal(s.state, 'backordered')
  })

  it("a supplier's cancel confirmation does not cancel the retailer's units twice", () => {
    const line = buildLine({ cancelledAt: at('2026-12-01'), cancelledQty: 2 })
    const s = deriveLineStatus(line, signals({ supplierSignals: [signal('cancelled', { qty: 2 })] }), ctx())
    assert.deepEqual(s.quantities, { cancelled: 2, processing: 3 })
  })

  it('cancelled: the whole line', () => {
    const s = deriveLineStatus(buildLine({ cancelledAt: at('2026-12-01') }), signals({ supplierSignals: [signal('backordered')] }), ctx())
    assert.equal(s.state, 'cancelled')
    assert.deepEqual(s.quantities, { cancelled: 5 })
    assert.equal(s.eta, null)
    assert.equal(s.expectedShipDate, null)
  })

  it('a quantity below 1 is refused', () => {
    assert.throws(() => deriveLineStatus(buildLine({ qty: 0 }), signals(), ctx()), DomainError)
  })
})

describe('deriveLineStatus: the store country\'s holidays', () => {
  // The list calendarFrom adds for a US store (src/util/country-holidays.ts): Thanksgiving 2026.
  const US = { ...DEFAULT_CALENDAR, holidays: ['2026-11-26', '2026-12-25'] }
  const line = buildLine({ placedAt: at('2026-11-23', '15:00:00'), leadTimeDays: 3 })
  const monday = ctx({ now: at('2026-11-23', '16:00:00') })

  it('a promise and an ETA spanning Thanksgiving move by a day', () => {
    // Mon 23 + 3 business days: Tue 24, Wed 25, then Thanksgiving is skipped: Fri 27 (not Thu 26).
    assert.equal(promisedShipDate(line, DEFAULT_CALENDAR), '2026-11-26')
    assert.equal(promisedShipDate(line, US), '2026-11-27')
    const plain = deriveLineStatus(line, signals(), monday)
    const us = deriveLineStatus(line, signals(), { ...monday, calendar: US })
    assert.equal(us.state, 'processing')
    assert.deepEqual(plain.eta, { earliest: '2026-11-30', latest: '2026-12-03', source: 'promise' })
    assert.deepEqual(us.eta, { earliest: '2026-12-01', latest: '2026-12-04', source: 'promise' }, 'transit 2–5 business days from Fri 27')
  })
})
