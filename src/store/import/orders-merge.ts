import type { Queryable } from '../db.ts'
import { assignPresent, countUpsert, type ImportContext, type MergeCounts } from './pipeline.ts'

/**
 * Merges a checked orders stage: customers, then order headers, order lines and PO lines.
 * Runs inside the import's transaction, after every check passed.
 */
export async function mergeOrders(ctx: ImportContext): Promise<MergeCounts> {
  await upsertEmailCustomers(ctx)
  await buildOrderHeaders(ctx.tx)
  await assignCustomers(ctx)
  const orders = await upsertOrders(ctx)
  const lines = await upsertLines(ctx)
  await syncPoLines(ctx)
  return { ...orders, orders: orders.inserted + orders.updated, lines: lines.inserted + lines.updated }
}

/** One customer per lower(email); a blank name or phone never erases a known one. */
async function upsertEmailCustomers({ tx, now }: ImportContext): Promise<void> {
  await tx.query(
    `INSERT INTO customers AS c (email, name, phone, created_at)
     SELECT (array_agg(customer_email ORDER BY line))[1],
            (array_agg(customer_name ORDER BY line DESC) FILTER (WHERE customer_name IS NOT NULL))[1],
            (array_agg(customer_phone ORDER BY line DESC) FILTER (WHERE customer_phone IS NOT NULL))[1],
            $1
     FROM import_stage WHERE customer_email IS NOT NULL
     GROUP BY lower(customer_email)
     ON CONFLICT (lower(email)) WHERE email IS NOT NULL
     DO UPDATE SET name = coalesce(EXCLUDED.name, c.name), phone = coalesce(EXCLUDED.phone, c.phone)`,
    [now],
  )
}

/** import_orders: one row per order of the file, from its first line (the checks made them agree). */
async function buildOrderHeaders(tx: Queryable): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE import_orders ON COMMIT DROP AS
     SELECT order_number,
            (array_agg(placed_at ORDER BY line))[1] AS placed_at,
            (array_agg(customer_email ORDER BY line))[1] AS email,
            (array_agg(postal_code ORDER BY line))[1] AS postal_code,
            (array_agg(customer_name ORDER BY line) FILTER (WHERE customer_name IS NOT NULL))[1] AS name,
            (array_agg(customer_phone ORDER BY line) FILTER (WHERE customer_phone IS NOT NULL))[1] AS phone,
            -- One promised date for all lines is the order's; otherwise each line keeps its own.
            count(DISTINCT coalesce(promised_ship_date::text, '')) = 1 AS same_promise,
            (array_agg(promised_ship_date ORDER BY line))[1] AS promised_ship_date,
            -- Payment terms and shipping: from the first row that gives them (checkOrderTerms made them agree).
            (array_agg(paid_at ORDER BY line) FILTER (WHERE paid_at IS NOT NULL))[1] AS paid_at,
            coalesce((array_agg(seller_credit ORDER BY line) FILTER (WHERE seller_credit IS NOT NULL))[1], false) AS seller_credit,
            (array_agg(order_shipping ORDER BY line) FILTER (WHERE order_shipping IS NOT NULL))[1] AS order_shipping,
            (array_agg(country ORDER BY line) FILTER (WHERE country IS NOT NULL))[1] AS country,
            NULL::bigint AS customer_id,
            false AS new_customer
     FROM import_stage GROUP BY order_number`,
  )
}

/**
 * By email when the order has one. Without: the customer the order already has, or a new
 * customer whose id is drawn first so the order can point at it.
 */
async function assignCustomers({ tx, now }: ImportContext): Promise<void> {
  await tx.query(
    `UPDATE import_orders o SET customer_id = c.customer_id FROM customers c
     WHERE o.email IS NOT NULL AND c.email IS NOT NULL AND lower(c.email) = lower(o.email)`,
  )
  await tx.query(
    `UPDATE import_orders o SET customer_id = x.customer_id FROM orders x
     WHERE o.customer_id IS NULL AND x.order_number = o.order_number`,
  )
  await tx.query(
    `UPDATE import_orders o SET name = coalesce(o.name, c.name), phone = coalesce(o.phone, c.phone)
     FROM customers c WHERE o.email IS NULL AND c.customer_id = o.customer_id`,
  )
  await tx.query(
    `UPDATE customers c SET name = o.name, phone = o.phone
     FROM import_orders o WHERE o.email IS NULL AND c.customer_id = o.customer_id`,
  )
  await tx.query(
    `UPDATE import_orders SET customer_id = nextval(pg_get_serial_sequence('customers', 'customer_id')), new_customer = true
     WHERE customer_id IS NULL`,
  )
  await tx.query(
    `INSERT INTO customers (customer_id, name, phone, created_at)
     SELECT customer_id, name, phone, $1 FROM import_orders WHERE new_customer`,
    [now],
  )
}

async function upsertOrders({ tx, now, columns }: ImportContext) {
  const set = [
    'placed_at = EXCLUDED.placed_at',
    'customer_id = EXCLUDED.customer_id',
    ...assignPresent(['postal_code', 'promised_ship_date', 'paid_at', 'seller_credit', 'order_shipping', 'country'], columns),
  ]
  return countUpsert(
    tx,
    `INSERT INTO orders AS t (order_number, placed_at, customer_id, postal_code, promised_ship_date, paid_at, seller_credit, order_shipping, country, created_at)
     SELECT order_number, placed_at, customer_id, postal_code, CASE WHEN same_promise THEN promised_ship_date END, paid_at, seller_credit, order_shipping, country, $1
     FROM import_orders
     ON CONFLICT (order_number) DO UPDATE SET ${set.join(', ')}
     RETURNING (xmax = 0) AS inserted`,
    [now],
  )
}

/** Every imported line is marked dirty so the next sweep derives its state again. */
async function upsertLines({ tx, columns }: ImportContext) {
  const set = ['sku = EXCLUDED.sku', 'qty = EXCLUDED.qty', 'supplier_id = EXCLUDED.supplier_id', 'dirty = true']
  return countUpsert(
    tx,
    `INSERT INTO order_lines AS t (order_id, line_no, sku, qty, supplier_id, promised_ship_date, unit_price, line_tax, dirty)
     SELECT o.order_id, s.line_no, s.sku, s.qty, s.supplier,
            CASE WHEN h.same_promise THEN NULL ELSE s.promised_ship_date END, s.unit_price, s.line_tax, true
     FROM import_stage s
     JOIN import_orders h ON h.order_number = s.order_number
     JOIN orders o ON o.order_number = s.order_number
     ON CONFLICT (order_id, line_no) DO UPDATE SET ${[...set, ...assignPresent(['promised_ship_date', 'unit_price', 'line_tax'], columns)].join(', ')}
     RETURNING (xmax = 0) AS inserted`,
    [],
  )
}

/**
 * Each line's PO line, by (po_number, po_line, supplier). A line whose PO line changed (another
 * supplier, or another PO number) keeps the old one, inactive, for the record of what was sent.
 */
async function syncPoLines({ tx, now }: ImportContext): Promise<void> {
  const lines = `import_stage s
     JOIN orders o ON o.order_number = s.order_number
     JOIN order_lines ol ON ol.order_id = o.order_id AND ol.line_no = s.line_no`
  await tx.query(
    `UPDATE po_lines p SET active = false FROM ${lines}
     WHERE p.order_line_id = ol.order_line_id AND p.active
       AND (p.po_number, p.po_line, coalesce(p.supplier_id, '')) <> (s.po_number, s.po_line, s.supplier)`,
  )
  await tx.query(
    `INSERT INTO po_lines AS p (order_line_id, supplier_id, po_number, po_line, sku, qty, active, created_at)
     SELECT ol.order_line_id, s.supplier, s.po_number, s.po_line, s.sku, s.qty, true, $1 FROM ${lines}
     ON CONFLICT (po_number, po_line, coalesce(supplier_id, ''))
     DO UPDATE SET order_line_id = EXCLUDED.order_line_id, sku = EXCLUDED.sku, qty = EXCLUDED.qty, active = true`,
    [now],
  )
}
