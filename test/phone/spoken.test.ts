import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { spellOut, spokenAlternative, spokenEta, spokenOrder, spokenPriceDelta, textStatus, type SpokenOrder } from '../../src/domain/spoken.ts'
import { phoneKey } from '../../src/voice/phone.ts'
import { normalizeKeyed } from '../../src/voice/order-lookup.ts'

const order: SpokenOrder = {
  orderNumber: 'W3001',
  headline: 'One item is backordered.',
  lines: [
    { lineNo: 1, name: 'Trailhead 2P Tent, green', qty: 2, state: 'backordered', explanation: 'They are backordered.',
      eta: { earliest: '2026-12-15', latest: '2026-12-17', source: 'supplier' }, alternatives: [] },
    { lineNo: 2, name: 'Summit Camp Stove', qty: 1, state: 'in_transit', explanation: 'It has shipped with UPS and should arrive by Friday, December 4.',
      eta: { earliest: '2026-12-04', latest: '2026-12-04', source: 'carrier' }, alternatives: [] },
  ],
}

test('dates are spoken as dates, order numbers character by character', () => {
  const said = spokenOrder(order).join(' ')
  assert.match(said, /Order W 3 0 0 1\./)
  assert.match(said, /between Tuesday, December 15 and Thursday, December 17/)
  assert.ok(!/2026-12/.test(said), 'no ISO dates read out')
  assert.equal(spellOut('W 30-01'), 'W 3 0 - 0 1')
})

test('an unknown date is said to be unknown, never made up', () => {
  assert.equal(spokenEta(null, 2), "We don't have a delivery date for them yet.")
  assert.equal(spokenEta({ earliest: '2026-12-04', latest: '2026-12-04', source: 'promise' }, 1), 'It should arrive by Friday, December 4.')
})

test('a line whose explanation already gives the arrival is not told it twice', () => {
  const said = spokenOrder(order)[2]
  assert.equal(said.match(/arrive/g)?.length, 1)
})

test('price differences are spoken per item, in dollars', () => {
  assert.equal(spokenPriceDelta(0), 'the same price')
  assert.equal(spokenPriceDelta(3.5), '3.50 dollars more per item')
  assert.equal(spokenPriceDelta(-12), '12.00 dollars less per item')
  assert.equal(
    spokenAlternative({ sku: 'X', name: 'Trailhead 2P Tent, blue', eta: '2026-12-07', daysSooner: 8, priceDelta: 0 }, 1),
    'Press 1 for Trailhead 2P Tent, blue, arriving by Monday, December 7, 8 days sooner, at the same price.',
  )
  assert.equal(
    spokenAlternative({ kind: 'other_supplier', sku: 'X', name: 'Trailhead 2P Tent, green', eta: '2026-12-07', daysSooner: 8, priceDelta: 0 }, 1),
    'Press 1 for the same item, Trailhead 2P Tent, green, from stock we found elsewhere, arriving by Monday, December 7, 8 days sooner, at the same price.',
  )
})

test('a text status fits in 320 characters and always ends with the whole link', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 1, max: 30 }), (name, n) => {
    const many: SpokenOrder = { ...order, lines: Array.from({ length: n }, (_, i) => ({ ...order.lines[i % 2], lineNo: i + 1, name })) }
    const link = 'https://shop.example.com/orders/W3001'
    const text = textStatus(many, link)
    return text.length <= 320 && text.endsWith(link)
  }))
})

test('phone numbers compare by their national ten digits', () => {
  assert.equal(phoneKey('+1 (555) 010-2233'), '5550102233')
  assert.equal(phoneKey('555.010.2233'), '5550102233')
  assert.equal(phoneKey('+15550102233'), '5550102233')
  assert.equal(phoneKey('12345'), null)
  assert.equal(phoneKey(null), null)
})

test('keyed and spoken order numbers keep only letters and digits', () => {
  assert.equal(normalizeKeyed('w 3 0 0 1'), 'W3001')
  assert.equal(normalizeKeyed('W-3001#'), 'W3001')
})
