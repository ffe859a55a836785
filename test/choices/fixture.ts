import type { Db, Queryable } from '../../src/store/db.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'

/**
 * A backordered tent with stock elsewhere: the same SKU at BOLT, a blue variant at ACME and an
 * equivalent of another brand at CORE (cheaper), plus a stove line that is fine.
 * Order W100 placed Mon 2026-03-02; ACME backorders the tent until 2026-04-20.
 */
export const NOW = new Date('2026-03-04T15:00:00Z')

export async function seedAlternatives(db: Queryable): Promise<void> {
  await db.query(`INSERT INTO suppliers (supplier_id, name, email, edi_id, lead_time_days) VALUES
    ('ACME', 'Acme Outdoor Supply', 'orders@acme.example', 'ACMEEDI', 3),
    ('BOLT', 'Bolt Distribution', 'edi@bolt.example', 'BOLTEDI', 2),
    ('CORE', 'Core Gear', 'po@core.example', NULL, 4)`)
  await db.query(`INSERT INTO products (sku, name, brand, family, color, size, price) VALUES
    ('TENT-2P-GRN', 'Trailhead 2P Tent, green', 'Trailhead', 'TENT-2P', 'green', '2P', 249.00),
    ('TENT-2P-BLU', 'Trailhead 2P Tent, blue', 'Trailhead', 'TENT-2P', 'blue', '2P', 259.00),
    ('RIDGE-2P-GRN', 'Ridgeline 2P Tent, green', 'Ridgeline', 'RIDGE-2P', 'green', '2P', 229.00),
    ('STOVE-1', 'Summit Camp Stove', 'Summit', 'STOVE', NULL, NULL, 89.50)`)
  await db.query(`INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty, lead_time_days) VALUES
    ('ACME', 'TENT-2P-GRN', 'A-7781', 150, 0, NULL), ('ACME', 'STOVE-1', 'A-2210', 50, 25, NULL),
    ('ACME', 'TENT-2P-BLU', 'A-7782', 152, 5, NULL),
    ('BOLT', 'TENT-2P-GRN', 'B-TENT2G', 155, 4, NULL),
    ('CORE', 'RIDGE-2P-GRN', 'C-R2G', 140, 10, 1)`)
  await db.query(`UPDATE offers SET updated_at = '2026-03-01T00:00:00Z'`)
  await db.query(`INSERT INTO equivalents (sku, equivalent_sku) VALUES ('TENT-2P-GRN', 'RIDGE-2P-GRN'), ('RIDGE-2P-GRN', 'TENT-2P-GRN')`)
  const [c] = await db.query<{ customer_id: number }>(`INSERT INTO customers (email, name) VALUES ('dana@example.com', 'Dana Fields') RETURNING customer_id`)
  const [o] = await db.query<{ order_id: number }>(
    `INSERT INTO orders (order_number, placed_at, customer_id, postal_code) VALUES ('W100', '2026-03-02T14:00:00Z', $1, '30301') RETURNING order_id`,
    [c.customer_id],
  )
  for (const [lineNo, sku, qty] of [[1, 'TENT-2P-GRN', 2], [2, 'STOVE-1', 1]] as const) {
    const [l] = await db.query<{ order_line_id: number }>(
      `INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id) VALUES ($1, $2, $3, $4, 'ACME') RETURNING order_line_id`,
      [o.order_id, lineNo, sku, qty],
    )
    await db.query(`INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty) VALUES ($1, 'ACME', 'W100', $2, $3, $4)`, [
      l.order_line_id, String(lineNo), sku, qty,
    ])
  }
}

/** ACME says line 1 is backordered until 2026-04-20; the stove line is accepted. */
export async function backorder(db: Db, at = new Date('2026-03-03T12:00:00Z')): Promise<void> {
  const csv = 'po_number,po_line,sku,status,qty,expected_ship_date\nW100,1,TENT-2P-GRN,backordered,2,2026-04-20\nW100,2,STOVE-1,accepted,1,\n'
  const r = await ingestSupplierFeed(db, { body: Buffer.from(csv), filename: 'acme.csv', supplierId: 'ACME', source: 'cli', receivedAt: at })
  if (r.outcome !== 'applied') throw new Error(`feed not applied: ${JSON.stringify(r)}`)
  await runSweep(db, { now: at, calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })
}

/** Counts that must not move when a choice is refused. */
export async function snapshotCounts(db: Queryable): Promise<string> {
  const [r] = await db.query(`SELECT
    (SELECT count(*) FROM line_choices) AS choices, (SELECT count(*) FROM refunds) AS refunds,
    (SELECT count(*) FROM purchasing_documents) AS docs, (SELECT count(*) FROM po_lines WHERE active) AS active_pos,
    (SELECT string_agg(sku || ':' || coalesce(supplier_id, '') || ':' || coalesce(cancelled_qty::text, '-'), ',' ORDER BY order_line_id) FROM order_lines) AS lines`)
  return JSON.stringify(r)
}
