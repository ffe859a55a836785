/**
 * Rep tasks for supplier messages whose own quantities do not add up (an 855 PO1 loop whose
 * ACKs do not sum to what was ordered). The signals are applied as they read best; the task
 * makes sure a person looks at the units nobody accounted for (docs/formats.md).
 */
import type { Queryable } from '../store/db.ts'
import { openTask } from '../store/tasks.ts'
import type { NormalizedSignal } from './signal.ts'

/** A matched signal: the PO line it was recorded against. */
export interface MatchedProblem {
  signal: NormalizedSignal
  orderLineId: number
  supplierId: string | null
}

/**
 * Opens one task per line and message with a quantity problem; returns how many were opened. A
 * line whose quantities add up in this (later) message gets its earlier quantity tasks closed:
 * the supplier has since accounted for every unit.
 */
export async function openQuantityTasks(tx: Queryable, messageId: number, matched: MatchedProblem[], now: Date): Promise<number> {
  const byLine = new Map<number, MatchedProblem>()
  for (const m of matched) if (m.signal.problem && !byLine.has(m.orderLineId)) byLine.set(m.orderLineId, m)
  const addsUp = [...new Set(matched.filter((m) => !byLine.has(m.orderLineId)).map((m) => m.orderLineId))]
  if (addsUp.length > 0) {
    await tx.query(
      `UPDATE tasks SET status = 'done', closed_at = $2,
              detail = coalesce(detail, '') || ' — closed: a later message from the supplier adds up (message ' || $3::text || ')'
        WHERE kind = 'supplier_quantities' AND status = 'open' AND order_line_id = ANY($1::bigint[])`,
      [addsUp, now, messageId],
    )
  }
  if (byLine.size === 0) return 0
  const orders = await tx.query<{ order_line_id: number; order_id: number }>(
    'SELECT order_line_id, order_id FROM order_lines WHERE order_line_id = ANY($1::bigint[])',
    [[...byLine.keys()]],
  )
  let opened = 0
  for (const row of orders) {
    const m = byLine.get(row.order_line_id)!
    const po = `PO ${m.signal.poNumber ?? '?'}`
    const isNew = await openTask(tx, {
      kind: 'supplier_quantities',
      dedupeKey: `supplier_quantities:${messageId}:${row.order_line_id}`,
      title: `${po}: the supplier's quantities do not add up`,
      detail: `${m.signal.problem} (${m.signal.location}); applied as read: check with the supplier`,
      orderId: row.order_id,
      orderLineId: row.order_line_id,
      supplierId: m.supplierId,
      now,
    })
    if (isNew) opened++
  }
  return opened
}
