/**
 * Invalidating stored customer views, per order and only where a change reaches (never all of
 * them at once: suppliers send an 846 every day, and a global reset sent most lookups down the
 * cold path).
 *
 * An open line is made stale by marking it dirty: its order's version moves on (the trigger of
 * migration 006), so the stored view no longer matches, and the next sweep re-derives the line
 * and writes the order's fresh view (src/jobs/sweep-views.ts) — the lookup after it is again one
 * indexed read. Each function is one statement on an index of order_lines.
 *
 * Who calls what: an offer whose stock or restock date changed (846, offers CSV) → its SKU;
 * products whose customer-visible fields changed → their SKUs (closed orders too: the name is
 * on every line); suppliers whose lead time changed → their open lines; equivalents → both SKUs.
 * Alternatives (helper "alt") depend on the offers of a line's candidate set: call
 * markViewsStaleForSkus with every SKU whose candidate set contains the changed one (same SKU of
 * other suppliers is already covered: the statement does not filter by supplier).
 */
import type { Queryable } from '../store/db.ts'

/**
 * Marks the open lines of these SKUs (of every supplier) for the sweep, which makes their orders'
 * stored views stale until the sweep writes them again. Returns the lines newly marked.
 */
export async function markViewsStaleForSkus(tx: Queryable, skus: readonly string[]): Promise<number> {
  if (skus.length === 0) return 0
  // Sorted so that concurrent markers lock rows in one order. Lines already dirty are marked
  // again: a view may have been stored since they were, and it must not outlive this change.
  const rows = await tx.query(
    `UPDATE order_lines SET dirty = true
      WHERE order_line_id IN (SELECT order_line_id FROM order_lines
                               WHERE sku = ANY($1::text[]) AND NOT closed ORDER BY order_line_id FOR UPDATE)
     RETURNING 1`,
    [[...new Set(skus)]],
  )
  return rows.length
}

/**
 * Also the orders whose lines of these SKUs are all final (delivered, cancelled): nothing will
 * sweep them, so their version is moved on directly and the next lookup derives them afresh.
 * For changes every line shows (a product's name), not for stock.
 */
export async function markClosedViewsStaleForSkus(tx: Queryable, skus: readonly string[]): Promise<number> {
  if (skus.length === 0) return 0
  const rows = await tx.query(
    `UPDATE orders SET version = version + 1
      WHERE order_id IN (SELECT DISTINCT order_id FROM order_lines WHERE sku = ANY($1::text[]) AND closed)
     RETURNING 1`,
    [[...new Set(skus)]],
  )
  return rows.length
}

/** Marks the open lines of these suppliers for the sweep (their lead time sets the promise). */
export async function markViewsStaleForSuppliers(tx: Queryable, supplierIds: readonly string[]): Promise<number> {
  if (supplierIds.length === 0) return 0
  const rows = await tx.query(
    `UPDATE order_lines SET dirty = true
      WHERE order_line_id IN (SELECT order_line_id FROM order_lines
                               WHERE supplier_id = ANY($1::text[]) AND NOT closed ORDER BY order_line_id FOR UPDATE)
     RETURNING 1`,
    [[...new Set(supplierIds)]],
  )
  return rows.length
}
