/**
 * A supplier's word about a PO line wismo asked it to cancel (a late 855 or 856 after an 860):
 * it must not bring the line back — the line already follows its new item or is cancelled — so
 * it is kept unmatched, as every signal for an inactive PO line is, and a rep gets a task to
 * sort it out with the supplier (stop the shipment, or take it back).
 */
import type { Queryable } from '../store/db.ts'

/** Opens one rep task per cancelled PO line this message spoke of; returns how many were opened. */
export async function flagCancelledPoSignals(tx: Queryable, messageId: number, now: Date): Promise<number> {
  const rows = await tx.query(
    `INSERT INTO tasks (kind, priority, order_id, order_line_id, supplier_id, title, detail, dedupe_key, created_at)
     SELECT DISTINCT ON (p.po_line_id) 'cancelled_po_signal', 22, l.order_id, l.order_line_id, p.supplier_id,
            coalesce(sp.name, p.supplier_id, 'The supplier') || ' sent "' || s.status || '" for cancelled PO ' || p.po_number || ' line ' || p.po_line,
            'wismo asked for this PO line to be cancelled on ' || to_char(p.cancel_requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
              || ' (860); the supplier''s late word was kept and did not change the order line. Check with the supplier.',
            'cancelled_po_signal:' || p.po_line_id, $2
       FROM supplier_signals s
       JOIN po_lines p ON p.po_number = s.po_number AND (p.po_line = s.po_line OR ltrim(p.po_line, '0') = ltrim(s.po_line, '0'))
                      AND NOT p.active AND p.cancel_requested_at IS NOT NULL AND (s.supplier_id IS NULL OR p.supplier_id = s.supplier_id)
       JOIN order_lines l ON l.order_line_id = p.order_line_id
       LEFT JOIN suppliers sp ON sp.supplier_id = p.supplier_id
      WHERE s.message_id = $1 AND s.po_line_id IS NULL
      ORDER BY p.po_line_id, s.signal_id
     ON CONFLICT (dedupe_key) WHERE status = 'open' DO NOTHING RETURNING 1`,
    [messageId, now],
  )
  return rows.length
}
