/**
 * Feed lines that match no open PO line of the sending supplier (a mistyped PO number, another
 * retailer's PO, a line wismo never ordered). They are kept, never applied to an order line, and
 * never silent: the feed's outcome counts them (`wismo feeds`: "applied; 3 lines matched
 * nothing", the `wismo ingest` output, the HTTP answer's `unmatched`) and one rep task per feed
 * lists them. A signal about a PO line wismo asked the supplier to cancel is not counted: it
 * matched that line, and has a task of its own (purchasing/late-signals.ts).
 */
import type { Queryable } from '../store/db.ts'
import { openTask } from '../store/tasks.ts'
import { describeSignal } from './apply-signals-batch.ts'
import type { NormalizedSignal } from './signal.ts'

/** Lines listed in the task; the rest are counted (all are kept in supplier_signals). */
const MAX_LISTED = 50

interface UnmatchedRow {
  po_number: string | null
  po_line: string | null
  sku: string | null
  status: string
  qty: number | null
  expected_ship_date: string | null
  carrier: string | null
  tracking_number: string | null
  source: string
}

const UNMATCHED_SQL = `
  SELECT s.po_number, s.po_line, s.sku, s.status, s.qty, s.expected_ship_date::text AS expected_ship_date,
         s.carrier, s.tracking_number, s.source
    FROM supplier_signals s
   WHERE s.message_id = $1 AND s.po_line_id IS NULL
     AND NOT EXISTS (SELECT 1 FROM po_lines p
                      WHERE p.po_number = s.po_number AND (p.po_line = s.po_line OR ltrim(p.po_line, '0') = ltrim(s.po_line, '0'))
                        AND NOT p.active AND p.cancel_requested_at IS NOT NULL AND (s.supplier_id IS NULL OR p.supplier_id = s.supplier_id))
   ORDER BY s.signal_id`

function describeRow(r: UnmatchedRow): string {
  const where = `PO ${r.po_number ?? '?'}${r.po_line ? ` line ${r.po_line}` : ''}${r.sku ? ` (${r.sku})` : ''}`
  const what = describeSignal({
    status: r.status as NormalizedSignal['status'], qty: r.qty, expectedShipDate: r.expected_ship_date, carrier: r.carrier, trackingNumber: r.tracking_number,
  })
  return `${where}: ${what} (${r.source})`
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** "applied; 3 lines matched nothing (a rep task lists them)": how an outcome names them. */
export function describeUnmatched(n: number): string {
  return `${plural(n, 'line')} matched nothing (a rep task lists them)`
}

/**
 * Counts a feed's lines that matched no open PO line of its sender, records the count on the
 * message, and opens one rep task listing them (once per message: a replay is not applied
 * again). Call once the whole message is applied, inside its transaction. Returns the count.
 */
export async function noteUnmatchedLines(
  tx: Queryable, messageId: number, supplierId: string | null, filename: string | null, now: Date,
): Promise<number> {
  const rows = await tx.query<UnmatchedRow>(UNMATCHED_SQL, [messageId])
  await tx.query('UPDATE inbound_messages SET unmatched = $2 WHERE message_id = $1', [messageId, rows.length])
  if (rows.length === 0) return 0
  const listed = rows.slice(0, MAX_LISTED).map((r) => `- ${describeRow(r)}`)
  const more = rows.length > MAX_LISTED ? [`… and ${rows.length - MAX_LISTED} more (all kept with the message)`] : []
  const who = supplierId ? `Supplier ${supplierId}` : 'A feed from an unnamed supplier'
  const from = `message ${messageId}${filename ? `, ${filename}` : ''}`
  await openTask(tx, {
    kind: 'unmatched_signal',
    dedupeKey: `unmatched_signal:${messageId}`,
    title: `${who}: ${plural(rows.length, 'feed line')} matched no open PO line (${from})`,
    detail: [
      `These lines were kept but changed no order line: check the PO numbers and lines with the supplier.`,
      ...listed, ...more,
    ].join('\n'),
    supplierId,
    now,
  })
  return rows.length
}

/** The count recorded for an applied message (null: not a supplier feed, or applied before it was counted). */
export async function unmatchedCount(q: Queryable, messageId: number): Promise<number | null> {
  const rows = await q.query<{ unmatched: number | null }>('SELECT unmatched FROM inbound_messages WHERE message_id = $1', [messageId])
  return rows[0]?.unmatched ?? null
}
