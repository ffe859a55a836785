import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { compareAlternatives, findAlternatives, reservationKey, type CandidateOffer, type CandidateProduct, type FinderInput } from '../../src/domain/alternatives.ts'
import { DEFAULT_CALENDAR, calendarDays } from '../../src/domain/calendar.ts'

const SKUS = ['A', 'A2', 'B', 'C', 'D', 'E']
const SUPPLIERS = ['S1', 'S2', 'S3', 'S4']

const productArb = (sku: string) =>
  fc.record({
    sku: fc.constant(sku),
    name: fc.constant(`Product ${sku}`),
    brand: fc.constantFrom('X', 'Y'),
    family: fc.constantFrom('F1', 'F2', null),
    color: fc.constantFrom('red', 'blue', null),
    size: fc.constantFrom('8', '10', null),
    price: fc.option(fc.integer({ min: 100, max: 50_000 }).map((c) => c / 100), { nil: null }),
  })

const offerArb: fc.Arbitrary<CandidateOffer> = fc.record({
  supplierId: fc.constantFrom(...SUPPLIERS),
  supplierName: fc.constant(null),
  sku: fc.constantFrom(...SKUS),
  availableQty: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
  leadTimeDays: fc.integer({ min: 0, max: 40 }),
  cost: fc.option(fc.integer({ min: 100, max: 30_000 }).map((c) => c / 100), { nil: null }),
})

const inputArb: fc.Arbitrary<FinderInput> = fc
  .record({
    products: fc.tuple(...SKUS.map(productArb)),
    offers: fc.array(offerArb, { maxLength: 20 }),
    equivalents: fc.subarray(SKUS.slice(1)),
    qty: fc.integer({ min: 1, max: 6 }),
    unitPrice: fc.option(fc.integer({ min: 100, max: 50_000 }).map((c) => c / 100), { nil: null }),
    etaLatest: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
    reserved: fc.array(fc.tuple(fc.constantFrom(...SUPPLIERS), fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 5 })), { maxLength: 4 }),
    sizeInterchangeable: fc.boolean(),
  })
  .map((r) => ({
    line: {
      sku: 'A', supplierId: 'S1', openQty: r.qty, unitPrice: r.unitPrice, family: r.products[0].family,
      color: r.products[0].color, size: r.products[0].size, sizeInterchangeable: r.sizeInterchangeable, state: 'backordered' as const,
      eta: r.etaLatest === null ? null : { earliest: '2026-03-10', latest: addDays('2026-03-04', r.etaLatest), source: 'supplier' as const },
    },
    products: r.products as CandidateProduct[],
    // One offer per supplier and SKU, as in the offers table.
    offers: [...new Map(r.offers.map((o) => [reservationKey(o.supplierId, o.sku), o])).values()],
    equivalents: r.equivalents,
    reserved: new Map(r.reserved.map(([s, k, n]) => [reservationKey(s, k), n])),
    today: '2026-03-04',
    calendar: DEFAULT_CALENDAR,
    limit: 100,
  }))

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
}

test('never an alternative without free stock for the open quantity', () => {
  fc.assert(fc.property(inputArb, (input) => {
    for (const a of findAlternatives(input)) {
      const offer = input.offers.find((o) => o.supplierId === a.supplierId && o.sku === a.sku)!
      const free = (offer.availableQty ?? 0) - (input.reserved.get(reservationKey(a.supplierId, a.sku)) ?? 0)
      assert.ok(offer.availableQty !== null && free >= input.line.openQty)
    }
  }))
})

test('never one arriving later than (or as late as) the current ETA; daysSooner is the difference', () => {
  fc.assert(fc.property(inputArb, (input) => {
    for (const a of findAlternatives(input)) {
      if (input.line.eta === null) assert.equal(a.daysSooner, null)
      else {
        assert.ok(a.eta < input.line.eta.latest)
        assert.equal(a.daysSooner, calendarDays(a.eta, input.line.eta.latest))
      }
    }
  }))
})

test('the price arithmetic adds up: the line total plus the difference is the alternative total', () => {
  fc.assert(fc.property(inputArb, (input) => {
    for (const a of findAlternatives(input)) {
      if (a.kind === 'other_supplier') assert.equal(a.priceDelta, 0)
      else {
        const p = input.products.find((x) => x.sku === a.sku)!
        const lineTotal = Math.round(input.line.unitPrice! * 100) * input.line.openQty
        assert.equal(lineTotal + Math.round(a.priceDelta * 100) * input.line.openQty, Math.round(p.price! * 100) * input.line.openQty)
      }
    }
  }))
})

test('ranking: same SKU first, then ETA, price difference, SKU; one per SKU; never the line\'s own offer', () => {
  fc.assert(fc.property(inputArb, (input) => {
    const alts = findAlternatives(input)
    for (let i = 1; i < alts.length; i++) assert.ok(compareAlternatives(alts[i - 1], alts[i]) < 0)
    assert.equal(new Set(alts.map((a) => a.sku)).size, alts.length)
    assert.ok(alts.every((a) => !(a.sku === 'A' && a.supplierId === 'S1')))
    const firstOther = alts.findIndex((a) => a.kind !== 'other_supplier')
    if (firstOther >= 0) assert.ok(alts.slice(firstOther).every((a) => a.kind !== 'other_supplier'))
  }))
})

test('the same answer for any order of the input rows', () => {
  fc.assert(fc.property(inputArb, fc.integer(), (input, seed) => {
    const shuffle = <T,>(xs: T[]) => xs.map((x, i) => ({ x, k: Math.sin(seed + i * 7919) })).sort((a, b) => a.k - b.k).map((e) => e.x)
    const again = { ...input, offers: shuffle(input.offers), products: shuffle(input.products), equivalents: shuffle(input.equivalents) }
    assert.deepEqual(findAlternatives(again), findAlternatives(input))
  }))
})

test('never another size of a fitted-size family: only where sizes are interchangeable, and then after the ordered size', () => {
  fc.assert(fc.property(inputArb, (input) => {
    const alts = findAlternatives(input)
    for (const a of alts) {
      const p = input.products.find((x) => x.sku === a.sku)!
      const differs = input.line.size !== null && p.size !== null && p.size !== input.line.size
      assert.equal(a.otherSize, differs)
      if (differs) assert.ok(input.line.sizeInterchangeable, `${a.sku} size ${p.size} offered for size ${input.line.size}`)
    }
    const firstOther = alts.findIndex((a) => a.otherSize)
    if (firstOther >= 0) assert.ok(alts.slice(firstOther).every((a) => a.otherSize))
  }))
})
