/**
 * Benchmark fixture: N orders with lines, purchase-order lines, supplier signals, shipments and
 * carrier events, written with set-based SQL (INSERT … SELECT … FROM generate_series). This is not
 * the importer under test; it only has to make the status route do its real work, fast.
 *
 * Every "random" choice is a hash of a row id, so the same N always gives the same data.
 * Plain PostgreSQL 15 SQL: it runs on PGlite (18) and a server alike.
 */
import type { Db, Queryable } from '../src/store/db.ts'

/** The instant the benchmark's clock is frozen at: every fixture date is before it. */
export const BENCH_NOW = '2025-06-16T15:00:00Z'

export const SUPPLIERS = 20
export const PRODUCTS = 5000

export interface LoadResult {
  ms: number
  steps: { step: string; ms: number }[]
  counts: Record<string, number>
}

/** A stable pseudo-random non-negative int from an integer expression and a salt. */
const H = (expr: string, salt: number) => `(hashint8((${expr})::bigint * 1000 + ${salt}) & 2147483647)`
const supplierOf = (n: string) => `('SUP' || lpad((${n})::text, 2, '0'))`
const skuOf = (n: string) => `('SKU-' || lpad((${n})::text, 5, '0'))`

/** `dirty`: every line marked for the sweep, as an import leaves them (the status benchmark wants them swept-looking). */
export async function loadOrders(db: Db, orders: number, opts: { dirty?: boolean } = {}): Promise<LoadResult> {
  const started = performance.now()
  const steps: LoadResult['steps'] = []
  const step = async (name: string, q: Queryable, sql: string) => {
    const t = performance.now()
    await q.query(sql)
    steps.push({ step: name, ms: performance.now() - t })
  }
  const customers = Math.max(1, Math.floor(orders * 0.6))
  const now = `timestamptz '${BENCH_NOW}'`

  await db.transaction(async (tx) => {
    await step('catalog', tx, `
      INSERT INTO suppliers (supplier_id, name, email, edi_id, lead_time_days, feed_cadence_hours)
      SELECT ${supplierOf('g')}, 'Supplier ' || g, 'edi' || g || '@supplier.example', 'EDI' || lpad(g::text, 2, '0'), 2 + g % 4, 24
        FROM generate_series(1, ${SUPPLIERS}) g;
      INSERT INTO products (sku, name, brand, family, color, size, price)
      SELECT ${skuOf('g')}, 'Product ' || g, 'Brand ' || (g % 40), 'FAM-' || (g / 4),
             (ARRAY['red','green','blue','black'])[1 + g % 4], (ARRAY['S','M','L'])[1 + g % 3], 10 + g % 200 + 0.99
        FROM generate_series(1, ${PRODUCTS}) g;
      -- Each SKU from one primary supplier, every third one from a second supplier too;
      -- every eighth primary offer has a restock date (a backorder without a date then has one).
      INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty, restock_date)
      SELECT ${supplierOf(`1 + (g - 1) % ${SUPPLIERS}`)}, ${skuOf('g')}, 'S-' || g, 5 + g % 100,
             CASE WHEN g % 4 = 0 THEN 0 ELSE 10 + g % 50 END,
             CASE WHEN g % 8 = 0 THEN date '2025-07-01' + g % 20 END
        FROM generate_series(1, ${PRODUCTS}) g
      UNION ALL
      SELECT ${supplierOf(`1 + (g + 6) % ${SUPPLIERS}`)}, ${skuOf('g')}, 'ALT-' || g, 6 + g % 100, 5 + g % 30, NULL
        FROM generate_series(1, ${PRODUCTS}) g WHERE g % 3 = 0;
      INSERT INTO holidays (day, name) VALUES
        ('2025-01-01', 'New Year'), ('2025-05-26', 'Memorial Day'), ('2025-07-04', 'Independence Day'),
        ('2025-09-01', 'Labor Day'), ('2025-11-27', 'Thanksgiving'), ('2025-12-25', 'Christmas')
      ON CONFLICT DO NOTHING;`)

    await step('customers', tx, `
      INSERT INTO customers (customer_id, email, name, created_at)
      SELECT g, 'customer' || g || '@example.com', 'Customer ' || g, timestamptz '2025-01-01T00:00:00Z'
        FROM generate_series(1, ${customers}) g;
      SELECT setval(pg_get_serial_sequence('customers', 'customer_id'), ${customers});`)

    // Placed over the 60 days before BENCH_NOW; a third have a promised ship date.
    await step('orders', tx, `
      INSERT INTO orders (order_id, order_number, placed_at, customer_id, postal_code, promised_ship_date, created_at)
      SELECT g, 'W' || lpad(g::text, 7, '0'), placed, 1 + (g - 1) % ${customers},
             lpad((${H('g', 3)} % 100000)::text, 5, '0'),
             CASE WHEN g % 3 = 0 THEN (placed + interval '4 days')::date END, placed
        FROM (SELECT g, ${now} - (${H('g', 1)} % 60) * interval '1 day' - (${H('g', 2)} % 1440) * interval '1 minute' AS placed
                FROM generate_series(1, ${orders}) g) x;
      SELECT setval(pg_get_serial_sequence('orders', 'order_id'), ${orders});`)

    // 1 line per odd order, 2 per even, 3 per 20th: 1.55 on average. Mostly qty 1; 1 % cancelled.
    await step('order_lines', tx, `
      INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id, cancelled_at, state, closed, dirty)
      SELECT order_id, n, ${skuOf('p')}, qty, ${supplierOf(`1 + (p - 1) % ${SUPPLIERS}`)},
             CASE WHEN cancel THEN placed_at + interval '1 day' END,
             CASE WHEN cancel THEN 'cancelled' ELSE 'processing' END, cancel, ${opts.dirty ? 'true' : 'false'}
        FROM (SELECT o.order_id, n, o.placed_at,
                     1 + ${H('o.order_id * 4 + n', 4)} % ${PRODUCTS} AS p,
                     CASE WHEN ${H('o.order_id * 4 + n', 5)} % 5 = 0 THEN 2 + ${H('o.order_id * 4 + n', 6)} % 2 ELSE 1 END AS qty,
                     ${H('o.order_id * 4 + n', 7)} % 100 = 0 AS cancel
                FROM orders o
                CROSS JOIN LATERAL generate_series(1, 1 + (o.order_id % 2 = 0)::int + (o.order_id % 20 = 0)::int) n) x;`)

    // One active PO line per order line; 2 % were re-sourced: an older, inactive PO line at another supplier.
    await step('po_lines', tx, `
      INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty, active, created_at)
      SELECT l.order_line_id, l.supplier_id, 'PO' || l.order_id, l.line_no::text, l.sku, l.qty, true, o.placed_at + interval '1 hour'
        FROM order_lines l JOIN orders o USING (order_id)
      UNION ALL
      SELECT l.order_line_id, ${supplierOf(`1 + (substr(l.supplier_id, 4)::int + 6) % ${SUPPLIERS}`)}, 'PO' || l.order_id || '-A',
             l.line_no::text, l.sku, l.qty, false, o.placed_at + interval '30 minutes'
        FROM order_lines l JOIN orders o USING (order_id) WHERE ${H('l.order_line_id', 8)} % 50 = 0;`)

    // What happens to each line. Orders at least 10 days old: 60 % of lines shipped (a tenth of those
    // after a backorder). The rest: the supplier's latest word, from nothing to a rejection.
    const lines = (await tx.query<{ n: number }>('SELECT count(*) AS n FROM order_lines'))[0].n
    const slots = Math.max(1, Math.ceil(lines / 50)) // ~50 signals per supplier message per stage
    await step('plan', tx, `
      CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
      SELECT l.order_line_id, l.qty, l.sku, l.supplier_id, p.po_line_id, p.po_number, p.po_line, o.placed_at,
             l.order_line_id % ${slots} AS slot, ${H('l.order_line_id', 10)} AS h,
             CASE
               WHEN l.cancelled_at IS NOT NULL THEN 'cancelled'
               WHEN o.placed_at <= ${now} - interval '10 days' AND ${H('l.order_line_id', 11)} % 100 < 60 THEN
                 CASE WHEN ${H('l.order_line_id', 11)} % 100 < 6 THEN 'shipped_bo' ELSE 'shipped' END
               ELSE CASE
                 WHEN ${H('l.order_line_id', 12)} % 100 < 12 THEN 'none'
                 WHEN ${H('l.order_line_id', 12)} % 100 < 55 THEN 'accepted'
                 WHEN ${H('l.order_line_id', 12)} % 100 < 80 THEN 'backordered'
                 WHEN ${H('l.order_line_id', 12)} % 100 < 86 THEN CASE WHEN l.qty > 1 THEN 'partial' ELSE 'backordered' END
                 WHEN ${H('l.order_line_id', 12)} % 100 < 89 THEN 'backordered_nodate'
                 WHEN ${H('l.order_line_id', 12)} % 100 < 94 THEN 'rescheduled'
                 WHEN ${H('l.order_line_id', 12)} % 100 < 97 THEN 'on_hold'
                 ELSE 'rejected' END
             END AS cat
        FROM order_lines l
        JOIN orders o USING (order_id)
        JOIN po_lines p ON p.order_line_id = l.order_line_id AND p.active;
      CREATE TEMP TABLE bench_parcels ON COMMIT DROP AS
      SELECT b.order_line_id, b.po_line_id, b.slot, b.h, k AS parcel,
             CASE WHEN n = 1 THEN b.qty WHEN k = 1 THEN (b.qty + 1) / 2 ELSE b.qty / 2 END AS qty,
             (ARRAY['UPS', 'FedEx', 'USPS'])[1 + b.h % 3] AS carrier,
             (ARRAY['Ground', 'Home Delivery', 'Priority Mail'])[1 + b.h % 3] AS service,
             CASE b.h % 3
               WHEN 0 THEN '1ZBEN' || lpad((b.order_line_id * 2 + k)::text, 13, '0')
               WHEN 1 THEN '7' || lpad((b.order_line_id * 2 + k)::text, 11, '0')
               ELSE '9400' || lpad((b.order_line_id * 2 + k)::text, 18, '0') END AS tracking_number,
             b.placed_at + (1 + b.h % 4) * interval '1 day' + k * interval '3 hours' AS shipped_at,
             1 + ${H('b.order_line_id * 2 + k', 13)} % 4 AS events
        FROM bench_plan b
        CROSS JOIN LATERAL (SELECT CASE WHEN b.qty > 1 AND b.h % 10 = 0 THEN 2 ELSE 1 END AS n) c
        CROSS JOIN LATERAL generate_series(1, c.n) k
       WHERE b.cat IN ('shipped', 'shipped_bo');`)

    // Stage 1 (acknowledgment), 2 (after a backorder), 3 (shipment): message ids from disjoint ranges.
    await step('inbound_messages', tx, `
      INSERT INTO inbound_messages (message_id, kind, source, supplier_id, filename, sha256, body, received_at, status, applied_at)
      SELECT g, 'supplier_csv', 'cli', ${supplierOf(`1 + g % ${SUPPLIERS}`)}, 'feed-' || g || '.csv', md5(g::text),
             '\\x'::bytea, ${now} - interval '1 day', 'applied', ${now} - interval '1 day'
        FROM generate_series(1, ${3 * slots}) g;
      SELECT setval(pg_get_serial_sequence('inbound_messages', 'message_id'), ${3 * slots});`)

    const sig = (message: string, status: string, qty: string, expected: string, receivedAt: string, where: string, extra = `NULL, NULL`) => `
      SELECT ${message}, supplier_id, po_line_id, po_number, po_line, sku, '${status}', ${qty}, ${expected}, ${extra},
             ${receivedAt}, 'csv', NULL FROM bench_plan WHERE ${where}`
    const m1 = `1 + slot`
    const m2 = `${slots} + 1 + slot`
    const ack = `placed_at + interval '4 hours'`
    await step('supplier_signals', tx, `
      INSERT INTO supplier_signals (message_id, supplier_id, po_line_id, po_number, po_line, sku, status, qty,
                                    expected_ship_date, carrier, tracking_number, received_at, source, raw_code)
      ${sig(m1, 'accepted', 'qty', `(placed_at + (2 + h % 5) * interval '1 day')::date`, ack, `cat IN ('accepted', 'shipped')`)}
      UNION ALL
      ${sig(m1, 'backordered', 'qty', `(placed_at + (14 + h % 30) * interval '1 day')::date`, ack, `cat IN ('backordered', 'shipped_bo')`)}
      UNION ALL
      ${sig(m1, 'backordered', 'qty', 'NULL', ack, `cat = 'backordered_nodate'`)}
      UNION ALL
      ${sig(m1, 'accepted', 'qty - 1', `(placed_at + (2 + h % 5) * interval '1 day')::date`, ack, `cat = 'partial'`)}
      UNION ALL
      ${sig(m1, 'backordered', '1', `(placed_at + (14 + h % 30) * interval '1 day')::date`, ack, `cat = 'partial'`)}
      UNION ALL
      ${sig(m1, 'accepted', 'qty', `(placed_at + 3 * interval '1 day')::date`, ack, `cat = 'rescheduled'`)}
      UNION ALL
      ${sig(m2, 'rescheduled', 'qty', `(placed_at + (9 + h % 10) * interval '1 day')::date`, `placed_at + interval '2 days'`, `cat = 'rescheduled'`)}
      UNION ALL
      ${sig(m1, 'on_hold', 'qty', 'NULL', ack, `cat = 'on_hold'`)}
      UNION ALL
      ${sig(m1, 'rejected', 'qty', 'NULL', ack, `cat = 'rejected'`)}
      UNION ALL
      SELECT ${2 * slots} + 1 + slot, p.supplier_id, p.po_line_id, p.po_number, p.po_line, p.sku, 'shipped', s.qty, NULL,
             s.carrier, s.tracking_number, s.shipped_at + interval '2 hours', 'csv', NULL
        FROM bench_parcels s JOIN po_lines p USING (po_line_id);
      -- the re-sourced lines' old PO: rejected by the first supplier
      INSERT INTO supplier_signals (message_id, supplier_id, po_line_id, po_number, po_line, sku, status, qty, received_at, source)
      SELECT 1 + p.order_line_id % ${slots}, p.supplier_id, p.po_line_id, p.po_number, p.po_line, p.sku, 'rejected', p.qty,
             p.created_at + interval '20 minutes', 'csv'
        FROM po_lines p WHERE NOT p.active;`)

    await step('shipments', tx, `
      INSERT INTO shipments (order_line_id, po_line_id, carrier, tracking_number, service, shipped_at, qty, message_id)
      SELECT order_line_id, po_line_id, carrier, tracking_number, service, shipped_at, qty, ${2 * slots} + 1 + slot
        FROM bench_parcels;`)

    // 1–4 scans per parcel, from pre-transit to delivered; one parcel in 40 ends in an exception.
    await step('carrier_events', tx, `
      INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at, location, message, estimated_delivery, provider, provider_event_id)
      SELECT s.tracking_number, s.carrier,
             CASE WHEN k = s.events AND k > 1 AND s.h % 40 = 0 THEN 'exception'
                  ELSE (ARRAY['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'])[k] END,
             s.shipped_at + k * interval '20 hours' + interval '1 hour',
             (ARRAY['Memphis, TN', 'Louisville, KY', 'Reno, NV', 'Columbus, OH'])[1 + (s.h + k) % 4],
             CASE WHEN k = s.events AND k > 1 AND s.h % 40 = 0 THEN 'Address information required'
                  ELSE (ARRAY['Label created', 'Departed facility', 'Out for delivery', 'Delivered, front door'])[k] END,
             CASE WHEN k <= 2 THEN (s.shipped_at + interval '4 days')::date END,
             'bench', s.tracking_number || '-' || k
        FROM bench_parcels s CROSS JOIN LATERAL generate_series(1, s.events) k;`)
  })

  const t = performance.now()
  await db.query('ANALYZE')
  steps.push({ step: 'analyze', ms: performance.now() - t })

  const counts: Record<string, number> = {}
  for (const table of ['customers', 'orders', 'order_lines', 'po_lines', 'inbound_messages', 'supplier_signals', 'shipments', 'carrier_events']) {
    counts[table] = (await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0].n
  }
  return { ms: performance.now() - started, steps, counts }
}

/** Every order number with its customer's email, for the load generator to pick from. */
export async function orderPairs(db: Queryable): Promise<[string, string][]> {
  const rows = await db.query<{ order_number: string; email: string }>(
    'SELECT o.order_number, c.email FROM orders o JOIN customers c USING (customer_id) ORDER BY o.order_id',
  )
  return rows.map((r) => [r.order_number, r.email])
}
