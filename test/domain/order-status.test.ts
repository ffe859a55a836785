import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DomainError } from '../../src/domain/errors.ts'
import { deriveLineStatus } from '../../src/domain/line-state.ts'
import { deriveOrderStatus } from '../../src/domain/order-status.ts'
import { buildLine, ctx, lineStatus, shipment, signal, signals } from './builders.ts'

const carrierEta = (earliest: string, latest = earliest) => ({ earliest, latest, source: 'carrier' as const })

describe('deriveOrderStatus', () => {
  it('takes the most urgent line state', () => {
    const order = deriveOrderStatus([lineStatus('in_transit'), lineStatus('backordered', { eta: null }), lineStatus('delayed')])
    assert.equal(order.state, 'backordered')
    assert.equal(deriveOrderStatus([lineStatus('delivered'), lineStatus('exception')]).state, 'exception')
    assert.equal(deriveOrderStatus([lineStatus('delivered'), lineStatus('out_for_delivery')]).state, 'out_for_delivery')
  })

  it('ignores cancelled lines unless all are cancelled', () => {
    assert.equal(deriveOrderStatus([lineStatus('cancelled'), lineStatus('delivered', { eta: carrierEta('2026-12-01') })]).state, 'delivered')
    const all = deriveOrderStatus([lineStatus('cancelled'), lineStatus('cancelled')])
    assert.equal(all.state, 'cancelled')
    assert.equal(all.eta, null)
    assert.equal(all.headline, 'Your order was cancelled.')
  })

  it('ETA: the window of the line that arrives last', () => {
    const order = deriveOrderStatus([
      lineStatus('in_transit', { eta: carrierEta('2026-12-04', '2026-12-08') }),
      lineStatus('processing', { eta: { earliest: '2026-12-07', latest: '2026-12-11', source: 'promise' } }),
      lineStatus('unavailable'),
      lineStatus('cancelled'),
    ])
    assert.deepEqual(order.eta, { earliest: '2026-12-07', latest: '2026-12-11', source: 'promise' })
  })

  it('ETA is unknown when any line that can still arrive has no ETA', () => {
    const order = deriveOrderStatus([lineStatus('in_transit', { eta: carrierEta('2026-12-04') }), lineStatus('backordered', { eta: null })])
    assert.equal(order.eta, null)
    assert.equal(order.headline, 'Part of your order is backordered, and when it will ship is not known yet.')
  })

  it('ETA is null with only unavailable lines', () => {
    assert.equal(deriveOrderStatus([lineStatus('unavailable')]).eta, null)
  })

  it('headlines', () => {
    const bo = lineStatus('backordered', { expectedShipDate: '2026-12-14', eta: { earliest: '2026-12-16', latest: '2026-12-21', source: 'supplier' } })
    assert.equal(deriveOrderStatus([bo]).headline, 'Your order is backordered — we expect it to ship around Monday, December 14.')
    assert.equal(
      deriveOrderStatus([bo, lineStatus('in_transit')]).headline,
      'Part of your order is backordered — we expect it to ship around Monday, December 14.',
    )
    assert.equal(
      deriveOrderStatus([lineStatus('in_transit', { eta: carrierEta('2026-12-04') })]).headline,
      'Your order is on its way and should arrive by Friday, December 4.',
    )
    assert.equal(
      deriveOrderStatus([lineStatus('delivered', { eta: carrierEta('2026-12-01') }), lineStatus('delivered', { eta: carrierEta('2026-12-02') })]).headline,
      'Your order was delivered on Wednesday, December 2.',
    )
    assert.match(deriveOrderStatus([lineStatus('exception')]).headline, /^There is a problem with the delivery of your order/)
    assert.match(deriveOrderStatus([lineStatus('processing')]).headline, /^Your order is being prepared and should arrive between/)
    assert.match(deriveOrderStatus([lineStatus('delayed'), lineStatus('processing')]).headline, /^Part of your order is running late/)
    assert.match(deriveOrderStatus([lineStatus('restocked')]).headline, /^Good news/)
    assert.match(deriveOrderStatus([lineStatus('unavailable')]).headline, /^Your order can no longer be supplied/)
    assert.match(deriveOrderStatus([lineStatus('out_for_delivery', { eta: carrierEta('2026-12-02') })]).headline, /out for delivery/)
  })

  it('a split line makes the backorder "part of" the order', () => {
    const split = deriveLineStatus(buildLine(), signals({ supplierSignals: [signal('backordered', { qty: 2 })], shipments: [shipment('1Z1', 3)] }), ctx())
    const order = deriveOrderStatus([split])
    assert.equal(order.state, 'backordered')
    assert.match(order.headline, /^Part of your order is backordered/)
    assert.equal(order.eta, null)
  })

  it('refuses an order with no lines', () => {
    assert.throws(() => deriveOrderStatus([]), DomainError)
  })
})
