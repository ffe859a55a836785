import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deriveLineStatus } from '../../src/domain/line-state.ts'
import { at, buildLine, ctx, event, shipment, signals } from './builders.ts'

describe('deriveLineStatus: a parcel replaced by a reship', () => {
  const lost = shipment('1ZLOST', 5, { shippedAt: at('2026-11-25'), replaced: true })
  const lostScan = event('1ZLOST', 'exception', at('2026-11-27'), { message: 'Damaged in transit' })

  it('counts until the replacement ships: the line stays in exception', () => {
    const s = deriveLineStatus(buildLine(), signals({ shipments: [lost], carrierEvents: [lostScan] }), ctx())
    assert.equal(s.state, 'exception')
    assert.deepEqual(s.quantities, { exception: 5 })
  })

  it('yields to the replacement once it ships: the line follows the new parcel', () => {
    const replacement = shipment('1ZNEW', 5, { shippedAt: at('2026-11-30') })
    const s = deriveLineStatus(buildLine(), signals({ shipments: [lost, replacement], carrierEvents: [lostScan] }), ctx())
    assert.equal(s.state, 'in_transit')
    assert.deepEqual(s.quantities, { in_transit: 5 })
    assert.deepEqual(s.tracking.map((t) => [t.number, t.qty]), [['1ZLOST', 0], ['1ZNEW', 5]], 'the lost parcel keeps its tracking, with no units')
  })

  it('a parcel not replaced is never displaced by a later one', () => {
    const first = shipment('1ZA', 5, { shippedAt: at('2026-11-25') })
    const s = deriveLineStatus(buildLine(), signals({ shipments: [first, shipment('1ZB', 5, { shippedAt: at('2026-11-30') })], carrierEvents: [event('1ZA', 'exception', at('2026-11-27'))] }), ctx())
    assert.equal(s.state, 'exception')
  })
})
