/**
 * The rows bench/x12.ts ingests its big files against, with set-based SQL: one supplier (known
 * by its X12 sender id), `items` products each with an offer from it, and one big PO of `lines`
 * lines (10 per order) for the 855 to acknowledge. Item numbers map to SKUs the same way in SQL
 * and in bench/x12-files.ts, so every LIN and PO1 has its row.
 */
import type { Db } from '../src/store/db.ts'

export const X12_SUPPLIER = 'SUPX12'
export const X12_SENDER = 'BENCHX12'
export const BIG_PO = 'PO-BENCH-1'

export const itemSku = (i: number) => `X${String(i).padStart(7, '0')}`
export const itemSupplierSku = (i: number) => `XV${String(i).padStart(7, '0')}`
/** The catalog item ordered on PO line k (spread over the catalog). */
export const lineItem = (k: number, items: number) => 1 + ((k * 7) % items)
export const poLineQty = (k: number) => 1 + (k % 3)

export interface X12Seed {
  ms: number
  counts: Record<string, number>
}

/**
 * Seeds the supplier, catalog, offers and PO. A third of the offers already say what the 846
 * will say (an unchanged item is read, matched and not written); the rest differ.
 */
export async function seedX12(db: Db, items: number, lines: number): Promise<X12Seed> {
  const t = performance.now()
  const orders = Math.ceil(lines / 10)
  await db.transaction(async (tx) => {
    await tx.query(`
      INSERT INTO suppliers (supplier_id, name, email, edi_id, lead_time_days)
      VALUES ('${X12_SUPPLIER}', 'Bench X12 supplier', 'edi@x12.example', '${X12_SENDER}', 3);
      INSERT INTO products (sku, name, price)
      SELECT 'X' || lpad(g::text, 7, '0'), 'Item ' || g, 10 + g % 90 + 0.99 FROM generate_series(1, ${items}) g;
      INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty, restock_date)
      SELECT '${X12_SUPPLIER}', 'X' || lpad(g::text, 7, '0'), 'XV' || lpad(g::text, 7, '0'), 5 + g % 50,
             CASE WHEN g % 3 = 0 THEN q ELSE q + 5 END,
             CASE WHEN g % 3 = 0 AND g % 4 = 0 THEN date '2025-06-20' + g % 40 END
        FROM (SELECT g, CASE WHEN g % 4 = 0 THEN 0 ELSE 1 + (g::bigint * 7919) % 120 END AS q
                FROM generate_series(1, ${items}) g) x;
      INSERT INTO customers (email, name, created_at) VALUES ('buyer@x12.example', 'X12 buyer', timestamptz '2025-06-01T00:00:00Z');
      INSERT INTO orders (order_number, placed_at, customer_id, created_at)
      SELECT 'XO' || lpad(g::text, 7, '0'), timestamptz '2025-06-10T12:00:00Z', (SELECT min(customer_id) FROM customers WHERE email = 'buyer@x12.example'),
             timestamptz '2025-06-10T12:00:00Z'
        FROM generate_series(1, ${orders}) g;`)
    await tx.query(`
      CREATE TEMP TABLE x12_lines ON COMMIT DROP AS
      SELECT k, o.order_id, 1 + (k - 1) % 10 AS line_no, 'X' || lpad((1 + (k::bigint * 7) % ${items})::text, 7, '0') AS sku, 1 + k % 3 AS qty
        FROM generate_series(1, ${lines}) k
        JOIN orders o ON o.order_number = 'XO' || lpad((1 + (k - 1) / 10)::text, 7, '0');
      INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id, state, dirty)
      SELECT order_id, line_no, sku, qty, '${X12_SUPPLIER}', 'processing', false FROM x12_lines ORDER BY k;
      INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty, active, created_at)
      SELECT l.order_line_id, '${X12_SUPPLIER}', '${BIG_PO}', x.k::text, x.sku, x.qty, true, timestamptz '2025-06-10T13:00:00Z'
        FROM x12_lines x JOIN order_lines l ON l.order_id = x.order_id AND l.line_no = x.line_no;`)
  })
  await db.query('ANALYZE')
  const counts: Record<string, number> = {}
  for (const table of ['products', 'offers', 'orders', 'order_lines', 'po_lines']) {
    counts[table] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n
  }
  return { ms: performance.now() - t, counts }
}
