import type { Queryable } from '../../src/store/db.ts'

/** Small, explicit rows for tests that need a catalog and an order without going through CSV. */
export async function seedCatalog(db: Queryable): Promise<void> {
  await db.query(`INSERT INTO suppliers (supplier_id, name, email, edi_id, lead_time_days) VALUES
    ('ACME', 'Acme Outdoor Supply', 'orders@acme.example', 'ACMEEDI', 3),
    ('BOLT', 'Bolt Distribution', 'edi@bolt.example', 'BOLTEDI', 2)`)
  await db.query(`INSERT INTO products (sku, name, brand, family, color, size, price) VALUES
    ('TENT-2P-GRN', 'Trailhead 2P Tent, green', 'Trailhead', 'TENT-2P', 'green', '2P', 249.00),
    ('TENT-2P-BLU', 'Trailhead 2P Tent, blue', 'Trailhead', 'TENT-2P', 'blue', '2P', 249.00),
    ('STOVE-1', 'Summit Camp Stove', 'Summit', 'STOVE', NULL, NULL, 89.50)`)
  await db.query(`INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty) VALUES
    ('ACME', 'TENT-2P-GRN', 'A-7781', 150, 10), ('ACME', 'STOVE-1', 'A-2210', 50, 25),
    ('BOLT', 'TENT-2P-GRN', 'B-TENT2G', 155, 4)`)
}

export interface SeedLine {
  lineNo: number
  sku: string
  qty: number
  supplierId: string
  poNumber?: string
  poLine?: string
}

/** Inserts one order with its lines and PO lines; returns the order id. */
export async function seedOrder(
  db: Queryable,
  o: { orderNumber: string; email: string; postalCode?: string; placedAt: string; promisedShipDate?: string; lines: SeedLine[] },
): Promise<number> {
  const [c] = await db.query<{ customer_id: number }>(
    `INSERT INTO customers (email, name) VALUES ($1, 'Dana Fields')
     ON CONFLICT (lower(email)) WHERE email IS NOT NULL DO UPDATE SET name = excluded.name RETURNING customer_id`,
    [o.email],
  )
  const [order] = await db.query<{ order_id: number }>(
    `INSERT INTO orders (order_number, placed_at, customer_id, postal_code, promised_ship_date) VALUES ($1, $2, $3, $4, $5) RETURNING order_id`,
    [o.orderNumber, o.placedAt, c.customer_id, o.postalCode ?? '30301', o.promisedShipDate ?? null],
  )
  for (const l of o.lines) {
    const [line] = await db.query<{ order_line_id: number }>(
      `INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id) VALUES ($1, $2, $3, $4, $5) RETURNING order_line_id`,
      [order.order_id, l.lineNo, l.sku, l.qty, l.supplierId],
    )
    await db.query(
      `INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty) VALUES ($1, $2, $3, $4, $5, $6)`,
      [line.order_line_id, l.supplierId, l.poNumber ?? o.orderNumber, l.poLine ?? String(l.lineNo), l.sku, l.qty],
    )
  }
  return order.order_id
}
