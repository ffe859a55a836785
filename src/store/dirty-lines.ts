import type { Queryable } from './db.ts'

/**
 * Marks order lines for the next sweep, taking their row locks — and those of their orders,
 * whose version the trigger moves on — in one order: ascending ids, lines before orders. Two
 * ingests touching the same lines then queue behind each other instead of deadlocking (an
 * `UPDATE … WHERE id = ANY(…)` locks in whatever order its plan visits the rows).
 * Returns the ids marked.
 */
export async function markLinesDirty(tx: Queryable, lineIds: Iterable<number>): Promise<number[]> {
  const ids = [...new Set(lineIds)].sort((a, b) => a - b)
  if (ids.length === 0) return []
  // ORDER BY runs before FOR UPDATE: the rows are locked in the sorted order. The CTE is
  // materialized (it locks rows), so every line is locked before the first order is.
  await tx.query(
    `WITH l AS (SELECT order_line_id, order_id FROM order_lines WHERE order_line_id = ANY($1::bigint[]) ORDER BY order_line_id FOR UPDATE)
     SELECT count(*) FROM (SELECT o.order_id FROM orders o WHERE o.order_id IN (SELECT order_id FROM l) ORDER BY o.order_id FOR UPDATE OF o) locked`,
    [ids],
  )
  const rows = await tx.query<{ order_line_id: number }>(
    'UPDATE order_lines SET dirty = true WHERE order_line_id = ANY($1::bigint[]) RETURNING order_line_id',
    [ids],
  )
  return rows.map((r) => r.order_line_id)
}
