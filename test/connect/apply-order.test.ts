import { test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import { seedCatalog } from '../helpers/seed.ts'
import { applyPlatformOrder } from '../../src/connect/apply-order.ts'
import { saveConnection } from '../../src/connect/connections.ts'
import type { PlatformOrder } from '../../src/connect/platform.ts'
import type { Db } from '../../src/store/db.ts'

const SECRET = 'test-secret-0123456789abcdefghij'
const NOW = new Date('2026-11-02T15:00:00Z')

function order(over: Partial<PlatformOrder> = {}): PlatformOrder {
  return {
    platform: 'shopify',
    platformOrderId: 'gid://shopify/Order/9001',
    number: '1001',
    placedAt: new Date('2026-11-02T14:00:00Z'),
    updatedAt: new Date('2026-11-02T14:00:05Z'),
    paidAt: new Date('2026-11-02T14:00:00Z'),
    cancelledAt: null,
    email: 'Dana@Example.com',
    phone: '+15555550100',
    name: 'Dana Fields',
    postalCode: '30301',
    country: 'US',
    shipping: 9.95,
    lines: [
      { platformLineId: 'gid://shopify/LineItem/1', variantId: '501', sku: 'TENT-2P-GRN', title: 'Trailhead 2P Tent', vendor: 'Bolt Distribution', qty: 2, currentQty: 2, unitPrice: 249, tax: 39.84 },
      { platformLineId: 'gid://shopify/LineItem/2', variantId: '502', sku: 'STOVE-1', title: 'Summit Camp Stove', vendor: 'Summit', qty: 1, currentQty: 1, unitPrice: 89.5, tax: 7.16 },
      { platformLineId: 'gid://shopify/LineItem/3', variantId: '503', sku: null, title: 'Gift wrap', vendor: null, qty: 1, currentQty: 1, unitPrice: 5, tax: null },
    ],
    ...over,
  }
}

async function setup(): Promise<{ db: Db; conn: { connectionId: number; platform: string; shop: string } }> {
  const db = await freshDb()
  await seedCatalog(db)
  const { connection } = await saveConnection(db, {
    platform: 'shopify', shop: 'dana-outdoor.myshopify.com', credentials: { token: 'shpat_x', webhookSecret: 'whsec' }, refunds: 'platform', secret: SECRET, now: NOW,
  })
  return { db, conn: { connectionId: connection.connectionId, platform: 'shopify', shop: connection.shop } }
}

const lines = (db: Db) =>
  db.query<{ line_no: number; sku: string; qty: number; supplier_id: string | null; unit_price: string | null; line_tax: string | null; cancelled_qty: number | null; cancel_reason: string | null }>(
    `SELECT l.line_no, l.sku, l.qty, l.supplier_id, l.unit_price, l.line_tax, l.cancelled_qty, l.cancel_reason
       FROM order_lines l JOIN orders o USING (order_id) WHERE o.order_number = '1001' ORDER BY l.line_no`,
  )

test('a platform order becomes an order, its customer, lines sourced by vendor or offer, and an 850 per sourced line', async () => {
  const { db, conn } = await setup()
  try {
    const summary = await db.transaction((tx) => applyPlatformOrder(tx, conn, order(), NOW))
    assert.equal(summary.length, 3)
    assert.match(summary[0], /order 1001 line 1: 2 × TENT-2P-GRN, ordered from BOLT \(850, PO 1001 line 1\)/)
    // No vendor match ("Summit" is a brand, not a supplier): the offer in stock, ACME.
    assert.match(summary[1], /line 2: 1 × STOVE-1, ordered from ACME/)
    assert.match(summary[2], /line 3: 1 × shopify-503, no supplier found \(rep task\)/)
    const [o] = await db.query<{ email: string; name: string; postal_code: string; country: string; order_shipping: string; paid_at: Date }>(
      `SELECT c.email, c.name, o.postal_code, o.country, o.order_shipping, o.paid_at FROM orders o JOIN customers c USING (customer_id) WHERE order_number = '1001'`,
    )
    assert.deepEqual({ ...o, paid_at: o.paid_at.toISOString(), order_shipping: Number(o.order_shipping) }, {
      email: 'Dana@Example.com', name: 'Dana Fields', postal_code: '30301', country: 'US', order_shipping: 9.95, paid_at: '2026-11-02T14:00:00.000Z',
    })
    const ls = await lines(db)
    assert.deepEqual(ls.map((l) => [l.line_no, l.sku, l.qty, l.supplier_id, Number(l.unit_price), l.line_tax === null ? null : Number(l.line_tax)]), [
      [1, 'TENT-2P-GRN', 2, 'BOLT', 249, 39.84],
      [2, 'STOVE-1', 1, 'ACME', 89.5, 7.16],
      [3, 'shopify-503', 1, null, 5, null],
    ])
    const docs = await db.query<{ kind: string; supplier_id: string; po_number: string; po_line: string; reason: string }>(
      'SELECT kind, supplier_id, po_number, po_line, reason FROM purchasing_documents ORDER BY document_id',
    )
    assert.deepEqual(docs, [
      { kind: '850', supplier_id: 'BOLT', po_number: '1001', po_line: '1', reason: 'order' },
      { kind: '850', supplier_id: 'ACME', po_number: '1001', po_line: '2', reason: 'order' },
    ])
    const tasks = await db.query<{ kind: string; title: string }>(`SELECT kind, title FROM tasks WHERE status = 'open'`)
    assert.deepEqual(tasks, [{ kind: 'platform_unsourced', title: 'Order 1001 line 3: no supplier for shopify-503' }])

    // The same version again (a webhook and a sync page): nothing new, nothing sent twice.
    await db.transaction((tx) => applyPlatformOrder(tx, conn, order(), NOW))
    assert.equal((await lines(db)).length, 3)
    assert.equal((await db.query('SELECT 1 FROM purchasing_documents')).length, 2)
  } finally {
    await db.close()
  }
})

test('an older version arriving late changes nothing; units the platform took away are cancelled once, never brought back', async () => {
  const { db, conn } = await setup()
  try {
    await db.transaction((tx) => applyPlatformOrder(tx, conn, order(), NOW))
    const edited = order({ updatedAt: new Date('2026-11-02T16:00:00Z') })
    edited.lines[0] = { ...edited.lines[0], currentQty: 1 }
    const s = await db.transaction((tx) => applyPlatformOrder(tx, conn, edited, NOW))
    assert.deepEqual(s, ['order 1001 line 1: 1 unit(s) removed on the platform, cancelled'])
    // The first version again, late (webhooks are not ordered): refused, the removal stands.
    const late = await db.transaction((tx) => applyPlatformOrder(tx, conn, order(), NOW))
    assert.match(late[0], /older than the one applied \(2026-11-02T16:00:00.000Z\); nothing changed/)
    const [l1] = await lines(db)
    assert.deepEqual([l1.cancelled_qty, l1.cancel_reason], [1, 'platform'])
    // No refund is due from wismo: the platform refunded what it took away.
    assert.equal((await db.query('SELECT 1 FROM refunds')).length, 0)

    const cancelled = order({ updatedAt: new Date('2026-11-02T17:00:00Z'), cancelledAt: new Date('2026-11-02T17:00:00Z') })
    cancelled.lines[0] = { ...cancelled.lines[0], currentQty: 1 }
    const c = await db.transaction((tx) => applyPlatformOrder(tx, conn, cancelled, NOW))
    assert.equal(c.length, 3)
    assert.match(c[0], /line 1: 1 unit\(s\) cancelled on the platform .* \(860 to BOLT\)/)
    assert.deepEqual((await lines(db)).map((l) => [l.cancelled_qty, l.cancel_reason]), [[2, 'platform'], [1, 'platform'], [1, 'platform']])
    const docs = await db.query<{ kind: string; supplier_id: string }>(`SELECT kind, supplier_id FROM purchasing_documents WHERE kind = '860' ORDER BY document_id`)
    assert.deepEqual(docs, [{ kind: '860', supplier_id: 'BOLT' }, { kind: '860', supplier_id: 'ACME' }])
    // Nothing is pushed back to the platform for what the platform itself cancelled.
    const [p] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM platform_lines p JOIN order_lines l USING (order_line_id) WHERE l.cancelled_qty > p.platform_removed')
    assert.equal(p.n, 0)
  } finally {
    await db.close()
  }
})

test("an order number another shop's order holds is refused; one imported from a CSV is adopted", async () => {
  const { db, conn } = await setup()
  try {
    await db.transaction((tx) => applyPlatformOrder(tx, conn, order(), NOW))
    const { connection: other } = await saveConnection(db, {
      platform: 'shopify', shop: 'other.myshopify.com', credentials: { token: 't', webhookSecret: 'w' }, refunds: 'record', secret: SECRET, now: NOW,
    })
    await assert.rejects(
      db.transaction((tx) => applyPlatformOrder(tx, { connectionId: other.connectionId, platform: 'shopify', shop: other.shop }, order({ platformOrderId: 'gid://shopify/Order/7' }), NOW)),
      (err: Error & { code?: string }) => err.code === 'PLATFORM_ORDER_NUMBER_TAKEN' && /dana-outdoor\.myshopify\.com/.test(err.message),
    )
    // A CSV-era order under the number: taken over, its lines kept, the platform's lines added after them.
    const [c] = await db.query<{ customer_id: number }>(`INSERT INTO customers (email) VALUES ('x@example.com') RETURNING customer_id`)
    const [o] = await db.query<{ order_id: number }>(`INSERT INTO orders (order_number, placed_at, customer_id) VALUES ('2002', now(), $1) RETURNING order_id`, [c.customer_id])
    await db.query(`INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id) VALUES ($1, 1, 'STOVE-1', 1, 'ACME')`, [o.order_id])
    await db.transaction((tx) => applyPlatformOrder(tx, { connectionId: other.connectionId, platform: 'shopify', shop: other.shop }, order({ platformOrderId: 'gid://shopify/Order/8', number: '2002', lines: [order().lines[1]] }), NOW))
    const ls = await db.query<{ line_no: number }>('SELECT line_no FROM order_lines WHERE order_id = $1 ORDER BY line_no', [o.order_id])
    assert.deepEqual(ls.map((l) => l.line_no), [1, 2])
  } finally {
    await db.close()
  }
})
