/**
 * What a silent supplier is sent (src/jobs/supplier-check.ts): its open PO lines as a CSV
 * attachment and as text in the email, built in one statement per run for every silent supplier.
 */
import type { Queryable } from '../store/db.ts'
import type { SupplierRow } from './supplier-check.ts'

/**
 * PO lines still in the supplier's hands: the order line is open, not wholly cancelled, not past
 * the supplier (shipped, delivered, rejected, cancelled as last derived by the sweep), and the PO
 * line is active with less shipped than ordered. Lines a split shipment left partly open count.
 */
export const OPEN_PO_LINES = `
  SELECT p.po_line_id, p.supplier_id, p.po_number, p.po_line, p.sku, p.qty, l.order_line_id, l.order_id, o.placed_at
    FROM order_lines l
    JOIN po_lines p ON p.order_line_id = l.order_line_id AND p.active AND p.supplier_id IS NOT NULL
    JOIN orders o ON o.order_id = l.order_id
   WHERE NOT l.closed
     AND (l.cancelled_at IS NULL OR l.cancelled_qty < l.qty)
     AND l.state NOT IN ('in_transit', 'out_for_delivery', 'delivered', 'exception', 'cancelled', 'unavailable')
     AND p.qty > coalesce((SELECT sum(s.qty) FROM shipments s
                            WHERE s.order_line_id = l.order_line_id AND s.po_line_id = p.po_line_id), 0)`

/** The CSV attached to a status request (also documented in docs/operations.md). */
export const STATUS_REQUEST_COLUMNS = 'po_number,po_line,sku,supplier_sku,qty,ordered_at,last_status,last_status_at'
/** Lines written out in the email's text; the CSV always has them all. */
const TEXT_LISTING_LIMIT = 50

/** SQL for an instant as `2026-11-20T14:00:00Z`, whatever the session's time zone. */
export const isoSql = (e: string) => `to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
/** SQL for one RFC 4180 field: quoted only when it holds a comma, quote or line break; NULL is empty. */
const csvSql = (e: string) =>
  `CASE WHEN coalesce(${e}, '') ~ '[",\\r\\n]' THEN '"' || replace(${e}, '"', '""') || '"' ELSE coalesce(${e}, '') END`

export interface Listing {
  supplier_id: string
  lines: number
  csv: string
  text: string
}

/** The open PO lines of these suppliers as CSV and as text (first lines only), one row per supplier. */
export async function listOpenLines(db: Queryable, supplierIds: string[]): Promise<Map<string, Listing>> {
  const rows = await db.query<Listing>(
    `WITH open AS (${OPEN_PO_LINES} AND p.supplier_id = ANY($1::text[])),
     numbered AS (
       SELECT o.*, f.supplier_sku, ls.status AS last_status, ls.received_at AS last_status_at,
              row_number() OVER (PARTITION BY o.supplier_id ORDER BY o.po_number, length(o.po_line), o.po_line, o.po_line_id) AS rn
         FROM open o
         LEFT JOIN offers f ON f.supplier_id = o.supplier_id AND f.sku = o.sku
         LEFT JOIN LATERAL (
           SELECT g.status, g.received_at FROM supplier_signals g WHERE g.po_line_id = o.po_line_id
            ORDER BY g.received_at DESC, g.message_id DESC LIMIT 1) ls ON true)
     SELECT supplier_id, count(*)::int AS lines,
            string_agg(concat_ws(',', ${csvSql('po_number')}, ${csvSql('po_line')}, ${csvSql('sku')}, ${csvSql('supplier_sku')},
                                 qty::text, ${isoSql('placed_at')}, ${csvSql('last_status')}, coalesce(${isoSql('last_status_at')}, '')),
                       E'\\r\\n' ORDER BY rn) AS csv,
            coalesce(string_agg(format('  %s line %s: %s%s, qty %s, ordered %s, last status: %s', po_number, po_line, sku,
                                       CASE WHEN supplier_sku IS NULL THEN '' ELSE ' (your ' || supplier_sku || ')' END,
                                       qty, to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                                       coalesce(last_status || ' on ' || to_char(last_status_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'none yet')),
                                E'\\n' ORDER BY rn) FILTER (WHERE rn <= ${TEXT_LISTING_LIMIT}), '') AS text
       FROM numbered GROUP BY supplier_id`,
    [supplierIds],
  )
  return new Map(rows.map((r) => [r.supplier_id, r]))
}

export function requestText(s: SupplierRow, listing: Listing): string {
  const more = listing.lines > TEXT_LISTING_LIMIT ? `\n  … and ${listing.lines - TEXT_LISTING_LIMIT} more in the attached CSV.\n` : ''
  return `Hello ${s.name},

We have not received an order status update from you in the last ${s.cadence} business hours,
and ${listing.lines} purchase order line${listing.lines === 1 ? ' is' : 's are'} still open with you:

${listing.text}
${more}
The attached CSV lists all of them (${STATUS_REQUEST_COLUMNS}).
Please send their current status — accepted, backordered with the expected ship date, or shipped
with the carrier and tracking number — as EDI (855, 856 or 870) or as a CSV status feed with the
columns po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number.

Thank you.
`
}
