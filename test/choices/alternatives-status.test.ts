import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { getOrderStatus, presentCustomerView, presentRepView } from '../../src/status/order-status.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { NOW, backorder, seedAlternatives } from './fixture.ts'

test('a backordered line lists its alternatives: same SKU elsewhere first, then by ETA and price', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await backorder(db)
    const derived = await getOrderStatus(db, 'W100', { now: NOW, calendar: DEFAULT_CALENDAR })
    assert.ok(derived)
    const customer = presentCustomerView(derived)
    const [tent, stove] = customer.lines
    assert.equal(tent.state, 'backordered')
    assert.deepEqual(stove.alternatives, [])
    // Today Wed 03-04. BOLT: lead 2 → ships Fri 03-06, +5 transit → Fri 03-13. ACME blue: lead 3 →
    // Mon 03-09 → Mon 03-16. CORE Ridgeline: lead 1 → Thu 03-05 → Thu 03-12. Backorder ETA:
    // ship 04-20 + 5 business days = 04-27.
    assert.deepEqual(tent.alternatives, [
      { kind: 'other_supplier', sku: 'TENT-2P-GRN', name: 'Trailhead 2P Tent, green', eta: '2026-03-13', daysSooner: 45, priceDelta: 0 },
      { kind: 'equivalent', sku: 'RIDGE-2P-GRN', name: 'Ridgeline 2P Tent, green', eta: '2026-03-12', daysSooner: 46, priceDelta: -20 },
      { kind: 'variant', sku: 'TENT-2P-BLU', name: 'Trailhead 2P Tent, blue', eta: '2026-03-16', daysSooner: 42, priceDelta: 10 },
    ])
    assert.ok(!JSON.stringify(customer).includes('BOLT'), 'the customer view never names a supplier')
    const rep = presentRepView(derived)
    assert.deepEqual(rep.lines[0].alternatives.map((a) => [a.sku, a.supplierId, a.cost]), [
      ['TENT-2P-GRN', 'BOLT', 155], ['RIDGE-2P-GRN', 'CORE', 140], ['TENT-2P-BLU', 'ACME', 152],
    ])
  } finally {
    await db.close()
  }
})

test('no alternative without stock for the quantity, and none arriving later than the backorder', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    await db.query(`UPDATE offers SET available_qty = 1 WHERE supplier_id = 'BOLT'`) // 2 wanted
    await db.query(`UPDATE offers SET lead_time_days = 60 WHERE supplier_id = 'CORE'`) // later than 04-27
    await backorder(db)
    const derived = await getOrderStatus(db, 'W100', { now: NOW, calendar: DEFAULT_CALENDAR })
    assert.deepEqual(presentCustomerView(derived!).lines[0].alternatives.map((a) => a.sku), ['TENT-2P-BLU'])
  } finally {
    await db.close()
  }
})
