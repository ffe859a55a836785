import { test } from 'node:test'
import assert from 'node:assert/strict'
import { repHeadline } from '../../src/domain/rep-headline.ts'

const line = (state: string, quantities: Record<string, number>, expectedShipDate: string | null = null, reason: string | null = null) => ({ state, quantities, expectedShipDate, reason })

test('the rep\'s headline speaks of the customer\'s order, never "your order"', () => {
  const cases = [
    repHeadline({ state: 'backordered', eta: null, lines: [line('backordered', { backordered: 2 }, '2026-12-21'), line('delivered', { delivered: 1 })] }),
    repHeadline({ state: 'exception', eta: null, lines: [line('exception', { exception: 1 }, null, 'Package damaged in transit')] }),
    repHeadline({ state: 'in_transit', eta: { earliest: '2026-12-08', latest: '2026-12-09', source: 'carrier' }, lines: [line('in_transit', { in_transit: 1 })] }),
  ]
  assert.deepEqual(cases, [
    "Part of the customer's order is backordered — the supplier expects to ship it around Monday, December 21.",
    "A parcel of the customer's order has a delivery problem (Package damaged in transit): reship it, refund it or open a carrier claim.",
    "The customer's order is on its way, arriving between Tuesday, December 8 and Wednesday, December 9.",
  ])
  for (const c of cases) assert.doesNotMatch(c, /\byour\b|\bwe\b/i)
})
