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

test('sizes from the catalog: a fitted family never offers another size; an interchangeable one does, after the ordered size', async () => {
  const db = await freshDb()
  try {
    await seedAlternatives(db)
    // A 3-person size of the same tent, sooner than anything else, and a 3P equivalent of another brand.
    await db.query(`INSERT INTO products (sku, name, brand, family, color, size, price) VALUES
      ('TENT-3P-GRN', 'Trailhead 3P Tent, green', 'Trailhead', 'TENT-2P', 'green', '3P', 299.00),
      ('RIDGE-3P-GRN', 'Ridgeline 3P Tent, green', 'Ridgeline', 'RIDGE-2P', 'green', '3P', 279.00)`)
    await db.query(`INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty, lead_time_days, updated_at) VALUES
      ('CORE', 'TENT-3P-GRN', 'C-T3G', 180, 10, 0, '2026-03-01T00:00:00Z'), ('CORE', 'RIDGE-3P-GRN', 'C-R3G', 170, 10, 0, '2026-03-01T00:00:00Z')`)
    await db.query(`INSERT INTO equivalents (sku, equivalent_sku) VALUES ('TENT-2P-GRN', 'RIDGE-3P-GRN'), ('RIDGE-3P-GRN', 'TENT-2P-GRN')`)
    await backorder(db)
    const skus = async () => presentCustomerView((await getOrderStatus(db, 'W100', { now: NOW, calendar: DEFAULT_CALENDAR }))!).lines[0].alternatives.map((a) => a.sku)
    assert.deepEqual(await skus(), ['TENT-2P-GRN', 'RIDGE-2P-GRN', 'TENT-2P-BLU'], 'fitted by default: no 3P for a 2P order')
    await db.query(`UPDATE products SET size_interchangeable = true WHERE family = 'TENT-2P'`)
    await db.query(`UPDATE orders SET version = version + 1`)
    assert.deepEqual(await skus(), ['TENT-2P-GRN', 'RIDGE-2P-GRN', 'TENT-2P-BLU', 'RIDGE-3P-GRN', 'TENT-3P-GRN'],
      'interchangeable: the other sizes too, after the ordered size though they arrive sooner')
  } finally {
    await db.close()
  }
})
