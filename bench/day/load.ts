/**
 * The day's base state, set-based (INSERT … SELECT … FROM generate_series, as bench/load-orders.ts):
 * ORDERS orders of LINES lines each, every line open and marked for the sweep as an import leaves
 * it, acknowledged by its supplier (ship date before the promised one: nothing to tell), every
 * third line already shipped (a parcel with a tracking number the day's carrier webhooks are
 * about). 20 suppliers with EDI ids, so their X12 files name them. Who gets what in the day's
 * files is a function of the order number and line number (bench/day/files.ts).
 */
import type { Db } from '../../src/store/db.ts'

/** The instant the day is replayed at (the processes' WISMO_NOW): a Monday, 11:00 in New York. */
export const DAY_NOW = '2025-06-16T15:00:00Z'
export const DAY_SUPPLIERS = 20

export const supplierId = (n: number) => `DSUP${String(n).padStart(2, '0')}`
export const supplierEdi = (n: number) => `DAYEDI${String(n).padStart(2, '0')}`
export const emailOf = (orderId: number) => `day${orderId}@example.com`
export const orderNumberOf = (orderId: number) => `D${String(orderId).padStart(8, '0')}`
export const trackingOf = (orderLineId: number) => `EZDAY${String(orderLineId).padStart(10, '0')}`

/** Lines already shipped before the day: every third line of an order. */
export const SHIPPED_SQL = 'l.line_no % 3 = 0'

export interface DayLoad { ms: number; counts: Record<string, number> }

export async function loadDay(db: Db, orders: number, linesPerOrder: number): Promise<DayLoad> {
  const t = performance.now()
  const products = Math.max(200, Math.min(20_000, Math.ceil((orders * linesPerOrder) / 50)))
  const now = `timestamptz '${DAY_NOW}'`
  const sup = (n: string) => `('DSUP' || lpad((${n})::text, 2, '0'))`
  await db.transaction(async (tx) => {
    await tx.query(`
      INSERT INTO suppliers (supplier_id, name, email, edi_id, lead_time_days, feed_cadence_hours)
      SELECT ${sup('g')}, 'Day supplier ' || g, 'edi' || g || '@day-supplier.example', 'DAYEDI' || lpad(g::text, 2, '0'), 3, 24
        FROM generate_series(1, ${DAY_SUPPLIERS}) g;
      INSERT INTO products (sku, name, brand, price)
      SELECT 'DSKU-' || g, 'Day product ' || g, 'Brand ' || (g % 40), 10 + g % 200 + 0.99 FROM generate_series(1, ${products}) g;
      INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty)
      SELECT ${sup(`1 + (g - 1) % ${DAY_SUPPLIERS}`)}, 'DSKU-' || g, 'DV-' || g, 5 + g % 100, 20 + g % 50 FROM generate_series(1, ${products}) g;
      INSERT INTO customers (customer_id, email, name, created_at)
      SELECT g, 'day' || g || '@example.com', 'Customer ' || g, timestamptz '2025-01-01T00:00:00Z' FROM generate_series(1, ${orders}) g;
      SELECT setval(pg_get_serial_sequence('customers', 'customer_id'), ${orders});
      INSERT INTO orders (order_id, order_number, placed_at, customer_id, postal_code, promised_ship_date, created_at)
      SELECT g, 'D' || lpad(g::text, 8, '0'), ${now} - interval '1 day' - (g % 600) * interval '1 minute', g,
             lpad((10000 + g % 80000)::text, 5, '0'), (${now} + interval '7 days')::date, ${now} - interval '1 day'
        FROM generate_series(1, ${orders}) g;
      SELECT setval(pg_get_serial_sequence('orders', 'order_id'), ${orders});`)
    await tx.query(`
      INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id, state, closed, dirty)
      SELECT o, n, 'DSKU-' || p, 1 + (o + n) % 3, ${sup(`1 + (p - 1) % ${DAY_SUPPLIERS}`)}, 'processing', false, true
        FROM generate_series(1, ${orders}) o CROSS JOIN generate_series(1, ${linesPerOrder}) n
        CROSS JOIN LATERAL (SELECT 1 + ((hashint8(o::bigint * 64 + n) & 2147483647) % ${products})::int AS p) x;
      INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty, active, created_at)
      SELECT l.order_line_id, l.supplier_id, 'PO' || l.order_id, l.line_no::text, l.sku, l.qty, true, ${now} - interval '23 hours'
        FROM order_lines l;
      INSERT INTO inbound_messages (message_id, kind, source, supplier_id, filename, sha256, body, received_at, status, applied_at)
      SELECT g, 'supplier_csv', 'cli', ${sup(`1 + (g - 1) % ${DAY_SUPPLIERS}`)}, 'base-' || g || '.csv', md5('day' || g), '\\x'::bytea,
             ${now} - interval '20 hours', 'applied', ${now} - interval '20 hours'
        FROM generate_series(1, ${2 * DAY_SUPPLIERS}) g;
      SELECT setval(pg_get_serial_sequence('inbound_messages', 'message_id'), ${2 * DAY_SUPPLIERS});`)
    // Acknowledged by every supplier (message 1–20), shipped ones with a shipment notice (21–40).
    await tx.query(`
      INSERT INTO supplier_signals (message_id, supplier_id, po_line_id, po_number, po_line, sku, status, qty,
                                    expected_ship_date, carrier, tracking_number, received_at, source, raw_code)
      SELECT substr(l.supplier_id, 5)::int, l.supplier_id, p.po_line_id, p.po_number, p.po_line, l.sku, 'accepted', l.qty,
             (${now} + interval '3 days')::date, NULL, NULL, ${now} - interval '20 hours', 'csv', NULL
        FROM order_lines l JOIN po_lines p USING (order_line_id)
      UNION ALL
      SELECT ${DAY_SUPPLIERS} + substr(l.supplier_id, 5)::int, l.supplier_id, p.po_line_id, p.po_number, p.po_line, l.sku, 'shipped', l.qty,
             NULL, 'UPS', 'EZDAY' || lpad(l.order_line_id::text, 10, '0'), ${now} - interval '6 hours', 'csv', NULL
        FROM order_lines l JOIN po_lines p USING (order_line_id) WHERE ${SHIPPED_SQL};
      INSERT INTO shipments (order_line_id, po_line_id, carrier, tracking_number, service, shipped_at, qty, message_id)
      SELECT l.order_line_id, p.po_line_id, 'UPS', 'EZDAY' || lpad(l.order_line_id::text, 10, '0'), 'Ground',
             ${now} - interval '8 hours', l.qty, ${DAY_SUPPLIERS} + substr(l.supplier_id, 5)::int
        FROM order_lines l JOIN po_lines p USING (order_line_id) WHERE ${SHIPPED_SQL};`)
  })
  await db.query('ANALYZE')
  const counts: Record<string, number> = {}
  for (const table of ['orders', 'order_lines', 'supplier_signals', 'shipments', 'offers']) {
    counts[table] = Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0].n)
  }
  return { ms: performance.now() - t, counts }
}
