import { test } from 'node:test'
import assert from 'node:assert/strict'
import { findAlternatives, type CandidateOffer, type CandidateProduct, type FinderInput } from '../../src/domain/alternatives.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'

// Small builders: a family of products that differ by color and size, each in stock at one supplier.
function product(sku: string, color: string, size: string | null, extra: Partial<CandidateProduct> = {}): CandidateProduct {
  return { sku, name: `${sku} name`, brand: 'Ridge', family: 'F', color, size, price: 100, ...extra }
}
function offer(sku: string, leadTimeDays: number, supplierId = 'S2'): CandidateOffer {
  return { supplierId, supplierName: null, sku, availableQty: 10, leadTimeDays, cost: 50 }
}
function input(ordered: CandidateProduct, products: CandidateProduct[], offers: CandidateOffer[], sizeInterchangeable = false, equivalents: string[] = []): FinderInput {
  return {
    line: {
      sku: ordered.sku, supplierId: 'S1', openQty: 1, unitPrice: 100, family: ordered.family, color: ordered.color, size: ordered.size,
      sizeInterchangeable, state: 'backordered', eta: { earliest: '2026-05-01', latest: '2026-05-10', source: 'supplier' },
    },
    products: [ordered, ...products], offers, equivalents, reserved: new Map(), today: '2026-03-04', calendar: DEFAULT_CALENDAR,
  }
}

const boot8 = product('BOOT-BRN-8', 'brown', '8')

test('a size-8 boot buyer is offered other colors of size 8, never sizes 10-12', () => {
  const others = [product('BOOT-BLK-8', 'black', '8'), product('BOOT-BRN-10', 'brown', '10'), product('BOOT-BRN-11', 'brown', '11'), product('BOOT-BLK-12', 'black', '12')]
  const alts = findAlternatives(input(boot8, others, others.map((p) => offer(p.sku, 1))))
  assert.deepEqual(alts.map((a) => a.sku), ['BOOT-BLK-8'])
})

test('the same item from another supplier first, then colors of the ordered size, then other sizes of an interchangeable family', () => {
  const rope = product('ROPE-RED-30M', 'red', '30 m')
  const others = [product('ROPE-RED-60M', 'red', '60 m'), product('ROPE-BLU-30M', 'blue', '30 m')]
  // The 60 m rope would arrive soonest; the blue 30 m still comes before it: the ordered length first.
  const alts = findAlternatives(input(rope, others, [offer('ROPE-RED-60M', 0), offer('ROPE-BLU-30M', 5), offer('ROPE-RED-30M', 8, 'S3')], true))
  assert.deepEqual(alts.map((a) => [a.kind, a.sku, a.otherSize]), [
    ['other_supplier', 'ROPE-RED-30M', false], ['variant', 'ROPE-BLU-30M', false], ['variant', 'ROPE-RED-60M', true],
  ])
})

test('a pack family offers other pack sizes', () => {
  const pack10 = product('BATT-AA-10', 'none', '10-pack')
  const alts = findAlternatives(input(pack10, [product('BATT-AA-20', 'none', '20-pack', { price: 180 })], [offer('BATT-AA-20', 1)], true))
  assert.deepEqual(alts.map((a) => [a.sku, a.priceDelta]), [['BATT-AA-20', 80]])
})

test('an equivalent of another brand in a fitted family must be the same size when both have one', () => {
  const eq8 = product('PEAK-BOOT-8', 'brown', '8', { brand: 'Peak', family: 'PEAK' })
  const eq10 = product('PEAK-BOOT-10', 'brown', '10', { brand: 'Peak', family: 'PEAK' })
  const sizeless = product('PEAK-LACE', 'brown', null, { brand: 'Peak', family: 'PEAK' })
  const alts = findAlternatives(input(boot8, [eq8, eq10, sizeless], [offer('PEAK-BOOT-8', 1), offer('PEAK-BOOT-10', 1), offer('PEAK-LACE', 1)], false, ['PEAK-BOOT-8', 'PEAK-BOOT-10', 'PEAK-LACE']))
  assert.deepEqual(alts.map((a) => a.sku).sort(), ['PEAK-BOOT-8', 'PEAK-LACE'])
})

test('a product without a size fits any: a sizeless variant is offered', () => {
  const alts = findAlternatives(input(boot8, [product('BOOT-ONE', 'tan', null)], [offer('BOOT-ONE', 1)]))
  assert.deepEqual(alts.map((a) => a.sku), ['BOOT-ONE'])
})
