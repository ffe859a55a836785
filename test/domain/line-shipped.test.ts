import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deriveLineStatus } from '../../src/domain/line-state.ts'
import { at, buildLine, ctx, event, shipment, signal, signals } from './builders.ts'

describe('deriveLineStatus: shipped', () => {
  it('in transit with no carrier event: ship day + service transit, source carrier', () => {
    const s = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5, { service: '2day', shippedAt: at('2026-12-02') })] }), ctx())
    assert.equal(s.state, 'in_transit')
    assert.deepEqual(s.eta, { earliest: '2026-12-04', latest: '2026-12-04', source: 'carrier' })
    assert.equal(s.tracking[0].status, 'in_transit')
    assert.equal(s.resolution, 'easy')
    assert.match(s.explanation, /shipped with UPS and should arrive by Friday, December 4/)
  })

  it("in transit: the carrier's latest estimate wins", () => {
    const events = [
      event('1Z1', 'pre_transit', at('2026-12-01', '08:00:00'), { estimatedDelivery: '2026-12-04' }),
      event('1Z1', 'in_transit', at('2026-12-02', '08:00:00'), { estimatedDelivery: '2026-12-07' }),
      event('1Z1', 'in_transit', at('2026-12-02', '09:00:00')),
    ]
    const s = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5)], carrierEvents: events }), ctx())
    assert.deepEqual(s.eta, { earliest: '2026-12-07', latest: '2026-12-07', source: 'carrier' })
    assert.equal(s.tracking[0].estimatedDelivery, '2026-12-07')
  })

  it('pre_transit counts as in transit', () => {
    const s = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5)], carrierEvents: [event('1Z1', 'pre_transit', at('2026-12-01'))] }), ctx())
    assert.equal(s.state, 'in_transit')
    assert.equal(s.tracking[0].status, 'pre_transit')
  })

  it('a stale estimate is clamped to today', () => {
    const ev = event('1Z1', 'in_transit', at('2026-12-01'), { estimatedDelivery: '2026-12-01' })
    const s = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5)], carrierEvents: [ev] }), ctx())
    assert.deepEqual(s.eta, { earliest: '2026-12-02', latest: '2026-12-02', source: 'carrier' })
  })

  it('out for delivery with no estimate: today', () => {
    const s = deriveLineStatus(buildLine({ qty: 1 }), signals({ shipments: [shipment('1Z1', 1)], carrierEvents: [event('1Z1', 'out_for_delivery', at('2026-12-02', '07:00:00'))] }), ctx())
    assert.equal(s.state, 'out_for_delivery')
    assert.deepEqual(s.eta, { earliest: '2026-12-02', latest: '2026-12-02', source: 'carrier' })
    assert.equal(s.explanation, 'Your item is out for delivery and should arrive today.')
  })

  it('delivered: the day of the delivery event', () => {
    const events = [event('1Z1', 'out_for_delivery', at('2026-12-01', '07:00:00')), event('1Z1', 'delivered', at('2026-12-01', '15:00:00'))]
    const s = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5)], carrierEvents: events }), ctx())
    assert.equal(s.state, 'delivered')
    assert.deepEqual(s.eta, { earliest: '2026-12-01', latest: '2026-12-01', source: 'carrier' })
    assert.match(s.explanation, /delivered on Tuesday, December 1/)
  })

  it('ties on occurredAt go to the more advanced status, whatever the order', () => {
    const t = at('2026-12-02', '10:00:00')
    const events = [event('1Z1', 'delivered', t), event('1Z1', 'out_for_delivery', t)]
    for (const carrierEvents of [events, [...events].reverse()]) {
      assert.equal(deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5)], carrierEvents }), ctx()).state, 'delivered')
    }
  })

  it("exception: the carrier's reason is told", () => {
    const ev = event('1Z1', 'exception', at('2026-12-02'), { message: 'Recipient address not found.' })
    const s = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5)], carrierEvents: [ev] }), ctx())
    assert.equal(s.state, 'exception')
    assert.equal(s.reason, 'Recipient address not found.')
    assert.match(s.explanation, /Recipient address not found\./)
    assert.equal(s.resolution, null)
  })

  it('split: 3 shipped + 2 backordered → backordered', () => {
    const s = deriveLineStatus(
      buildLine(),
      signals({ supplierSignals: [signal('backordered', { qty: 2 })], shipments: [shipment('1Z1', 3)] }),
      ctx(),
    )
    assert.equal(s.state, 'backordered')
    assert.deepEqual(s.quantities, { in_transit: 3, backordered: 2 })
    assert.equal(s.tracking.length, 1)
    assert.equal(s.tracking[0].qty, 3)
    assert.match(s.explanation, /^3 of 5 have shipped; the other 2 are backordered/)
  })

  it('BP then a partial shipment: the shipped units came out of the accepted part', () => {
    const bp = [signal('accepted', { messageId: 1, qty: 3 }), signal('backordered', { messageId: 1, qty: 2 })]
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: bp, shipments: [shipment('1Z1', 3)] }), ctx())
    assert.deepEqual(s.quantities, { in_transit: 3, backordered: 2 })
  })

  it('a shipped signal is not the supplier word (the store turns it into a shipment)', () => {
    const sigs = [signal('backordered', { qty: 2, receivedAt: at('2026-11-30') }), signal('shipped', { qty: 3, receivedAt: at('2026-12-01') })]
    const s = deriveLineStatus(buildLine(), signals({ supplierSignals: sigs, shipments: [shipment('1Z1', 3)] }), ctx())
    assert.deepEqual(s.quantities, { in_transit: 3, backordered: 2 })
  })

  it('two parcels: the line arrives with the later one', () => {
    const s = deriveLineStatus(
      buildLine(),
      signals({
        shipments: [shipment('1Z1', 2), shipment('1Z2', 3, { carrier: 'FedEx' })],
        carrierEvents: [event('1Z1', 'delivered', at('2026-12-02')), event('1Z2', 'in_transit', at('2026-12-02'), { estimatedDelivery: '2026-12-05' })],
      }),
      ctx(),
    )
    assert.equal(s.state, 'in_transit')
    assert.deepEqual(s.quantities, { delivered: 2, in_transit: 3 })
    assert.deepEqual(s.eta, { earliest: '2026-12-05', latest: '2026-12-05', source: 'carrier' })
    assert.match(s.explanation, /^2 of 5 were delivered; the other 3 have shipped with FedEx/)
  })

  it('shipments beyond the quantity are capped (oldest first) but keep their tracking', () => {
    const s = deriveLineStatus(
      buildLine(),
      signals({ shipments: [shipment('1Z2', 5, { shippedAt: at('2026-12-02') }), shipment('1Z1', 5, { shippedAt: at('2026-12-01') })] }),
      ctx(),
    )
    assert.deepEqual(s.quantities, { in_transit: 5 })
    assert.deepEqual(s.tracking.map((t) => [t.number, t.qty]), [['1Z1', 5], ['1Z2', 0]])
  })

  it('shipped after a backorder is intermediate; shipped late with no backorder is easy', () => {
    const after = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('backordered')], shipments: [shipment('1Z1', 5)] }), ctx())
    assert.equal(after.state, 'in_transit')
    assert.equal(after.resolution, 'intermediate')
    const late = deriveLineStatus(buildLine(), signals({ shipments: [shipment('1Z1', 5, { shippedAt: at('2026-12-07') })] }), ctx({ now: at('2026-12-07') }))
    assert.equal(late.resolution, 'easy')
  })

  it('a partial cancel with the rest shipped', () => {
    const s = deriveLineStatus(buildLine({ cancelledAt: at('2026-12-01'), cancelledQty: 2 }), signals({ shipments: [shipment('1Z1', 3)] }), ctx())
    assert.deepEqual(s.quantities, { cancelled: 2, in_transit: 3 })
    assert.equal(s.state, 'in_transit')
  })

  it('never names the supplier, a PO or a cost', () => {
    const line = buildLine({ supplierId: 'ACME' })
    const s = deriveLineStatus(line, signals({ supplierSignals: [signal('rejected', { source: 'ACME 855 PO-4711' })] }), ctx())
    assert.doesNotMatch(s.explanation, /ACME|PO|\$/)
  })
})
