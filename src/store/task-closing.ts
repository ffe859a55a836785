/**
 * Tasks that close themselves when what they asked for has happened: the customer answered, the
 * line was switched, cancelled or shipped, a rep acted on a parcel in trouble. Each is closed by
 * `system` with a note saying why, shown in the order's task history.
 */
import type { Queryable } from './db.ts'

/** Kinds that ask for the customer's decision: an answer settles them (until the line changes state). */
export const ANSWER_KINDS = ['backordered', 'unavailable'] as const

/** Order-level tasks that only ask that the customer be reached: any answer shows they were. */
const REACHED_KINDS = ['notice_undeliverable']

/**
 * Closes a line's open tasks (of `kinds`, or all), as wismo's own doing, with `note`; how many.
 * `orderId` also closes the order's tasks that only asked to reach the customer.
 */
export async function closeLineTasks(
  tx: Queryable, input: { orderLineId: number; kinds: readonly string[] | 'all'; note: string; now: Date; orderId?: number },
): Promise<number> {
  const rows = await tx.query(
    `UPDATE tasks SET status = 'done', closed_at = $3, closed_by = 'system', close_note = $4
      WHERE status = 'open'
        AND ((order_line_id = $1 AND ($2::text[] IS NULL OR kind = ANY($2::text[])))
          OR ($5::bigint IS NOT NULL AND order_id = $5::bigint AND order_line_id IS NULL AND kind = ANY($6::text[])))
      RETURNING task_id`,
    [input.orderLineId, input.kinds === 'all' ? null : [...input.kinds], input.now, input.note, input.orderId ?? null, REACHED_KINDS],
  )
  return rows.length
}

/** What a recorded choice settles, in the words of the closing note. */
export async function closeAnsweredTasks(
  tx: Queryable,
  c: { orderLineId: number; orderId: number; choice: 'wait' | 'cancel' | 'switch'; channel: string; switchedTo?: { sku: string; supplierId: string; poNumber: string } | null; now: Date },
): Promise<number> {
  if (c.choice === 'wait') {
    return closeLineTasks(tx, { orderLineId: c.orderLineId, orderId: c.orderId, kinds: ANSWER_KINDS, now: c.now, note: `the customer chose to wait (${c.channel})` })
  }
  // Whatever was asked about the old item or its PO line no longer applies to the line.
  const note = c.choice === 'cancel'
    ? `the line was cancelled (the customer's choice, ${c.channel})`
    : `the line was switched to ${c.switchedTo?.sku} (${c.switchedTo?.supplierId}, PO ${c.switchedTo?.poNumber}) at the customer's choice (${c.channel})`
  return closeLineTasks(tx, { orderLineId: c.orderLineId, orderId: c.orderId, kinds: 'all', now: c.now, note })
}

/**
 * Of the lines whose state asks for one of ANSWER_KINDS, those the customer has answered since
 * the line came into that state (its last history row in another state): their task stays closed.
 */
export async function answeredLines(tx: Queryable, lines: { orderLineId: number; state: string }[]): Promise<Set<number>> {
  if (lines.length === 0) return new Set()
  const rows = await tx.query<{ id: number }>(
    `SELECT v.id FROM unnest($1::bigint[], $2::text[]) AS v(id, state)
      WHERE EXISTS (
        SELECT 1 FROM line_choices c
         WHERE c.order_line_id = v.id
           AND c.decided_at >= coalesce((SELECT max(h.changed_at) FROM line_state_history h
                                          WHERE h.order_line_id = v.id AND h.state <> v.state), '-infinity'::timestamptz))`,
    [lines.map((l) => l.orderLineId), lines.map((l) => l.state)],
  )
  return new Set(rows.map((r) => r.id))
}

/** Parcels (line, tracking number) a rep has already acted on: reshipped, refunded or claimed. */
export async function actedParcels(tx: Queryable, lineIds: number[]): Promise<Set<string>> {
  if (lineIds.length === 0) return new Set()
  const rows = await tx.query<{ order_line_id: number; tracking_number: string }>(
    'SELECT DISTINCT order_line_id, tracking_number FROM delivery_actions WHERE order_line_id = ANY($1::bigint[])',
    [lineIds],
  )
  return new Set(rows.map((r) => `${r.order_line_id}:${r.tracking_number}`))
}

/** Why the sweep closes a line's task, from the state the line is in now. */
export function sweepCloseNote(state: string, kind: string): string {
  if (kind === 'stalled_in_transit' && (state === 'in_transit' || state === 'out_for_delivery')) return 'the parcel moved again (a new carrier scan)'
  switch (state) {
    case 'in_transit':
    case 'out_for_delivery':
      return 'the line shipped'
    case 'delivered':
      return 'the line was delivered'
    case 'cancelled':
      return 'the line was cancelled'
    case 'restocked':
      return 'the supplier has stock again'
    case 'processing':
      return 'the line is on schedule again'
    default:
      return `the line is now ${state.replace(/_/g, ' ')}`
  }
}
