import type { Queryable } from './db.ts'

export interface ChoiceRow {
  lineNo: number
  choice: 'wait' | 'cancel' | 'switch'
  sku: string | null
  /** The alternative's product name (switch). */
  name: string | null
  fromSku: string
  qty: number
  priceDelta: number | null
  decidedBy: string
  channel: string
  decidedAt: Date
}

/** An order's recorded choices (line_choices), oldest first. */
export async function listOrderChoices(db: Queryable, orderId: number): Promise<ChoiceRow[]> {
  const rows = await db.query<{
    line_no: number; choice: ChoiceRow['choice']; sku: string | null; name: string | null; from_sku: string; qty: number
    price_delta: number | null; decided_by: string; channel: string; decided_at: Date
  }>(
    `SELECT l.line_no, c.choice, c.sku, p.name, c.from_sku, c.qty, c.price_delta, c.decided_by, c.channel, c.decided_at
       FROM line_choices c JOIN order_lines l ON l.order_line_id = c.order_line_id LEFT JOIN products p ON p.sku = c.sku
      WHERE l.order_id = $1 ORDER BY c.decided_at, c.choice_id`,
    [orderId],
  )
  return rows.map((r) => ({
    lineNo: r.line_no, choice: r.choice, sku: r.sku, name: r.name, fromSku: r.from_sku, qty: r.qty, priceDelta: r.price_delta,
    decidedBy: r.decided_by, channel: r.channel, decidedAt: r.decided_at,
  }))
}

/**
 * The lines (of these) for which a delay notice was sent for the line as it is now: after its
 * latest switch, if any (notices before it were about the item replaced).
 */
export async function linesNoticed(db: Queryable, lineIds: number[]): Promise<Set<number>> {
  if (lineIds.length === 0) return new Set()
  const rows = await db.query<{ order_line_id: number }>(
    `SELECT DISTINCT d.order_line_id FROM delay_notices d
      WHERE d.order_line_id = ANY($1::bigint[])
        AND d.created_at > coalesce((SELECT max(c.decided_at) FROM line_choices c WHERE c.order_line_id = d.order_line_id AND c.choice = 'switch'), '-infinity')`,
    [lineIds],
  )
  return new Set(rows.map((r) => r.order_line_id))
}
