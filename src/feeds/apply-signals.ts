import type { Queryable } from '../store/db.ts'
import type { NormalizedSignal } from './signal.ts'
import { detectCarrier } from '../carriers/tracking-number.ts'

interface Match {
  po_line_id: number
  order_line_id: number
  supplier_id: string | null
  qty: number
}

/**
 * Finds the PO line a signal speaks of: PO number + PO line first, then the buyer's SKU on that
 * PO, then the supplier's own SKU (through its offers). Only the given supplier's lines when known.
 */
async function matchPoLine(tx: Queryable, s: NormalizedSignal, supplierId: string | null): Promise<Match | null> {
  if (!s.poNumber) return null
  if (s.poLine) {
    const rows = await tx.query<Match>(
      `SELECT po_line_id, order_line_id, supplier_id, qty FROM po_lines
        WHERE po_number = $1 AND po_line = $2 AND active AND ($3::text IS NULL OR supplier_id = $3)
        ORDER BY po_line_id LIMIT 1`,
      [s.poNumber, s.poLine, supplierId],
    )
    if (rows[0]) return rows[0]
  }
  const skus = [s.sku, s.supplierSku].filter((x): x is string => Boolean(x))
  if (skus.length === 0) return null
  const rows = await tx.query<Match>(
    `SELECT p.po_line_id, p.order_line_id, p.supplier_id, p.qty FROM po_lines p
      WHERE p.po_number = $1 AND p.active AND ($3::text IS NULL OR p.supplier_id = $3)
        AND (p.sku = ANY($2::text[]) OR EXISTS (
              SELECT 1 FROM offers f WHERE f.supplier_id = p.supplier_id AND f.sku = p.sku AND f.supplier_sku = ANY($2::text[])))
      ORDER BY p.po_line_id LIMIT 1`,
    [s.poNumber, skus, supplierId],
  )
  return rows[0] ?? null
}

function describe(s: NormalizedSignal): string {
  const parts: string[] = [s.status]
  if (s.qty !== null) parts.push(`qty ${s.qty}`)
  if (s.expectedShipDate) parts.push(`expected ship ${s.expectedShipDate}`)
  if (s.trackingNumber) parts.push(`${s.carrier ?? 'tracking'} ${s.trackingNumber}`)
  return parts.join(', ')
}

/**
 * Records a message's signals against the lines they match and marks those lines for the next
 * sweep. A signal that matches nothing is kept (po_line_id null) for a rep to see, never dropped.
 * Returns one human line per signal for the CLI and the feed log.
 */
export async function applySignals(
  tx: Queryable,
  messageId: number,
  supplierId: string | null,
  signals: NormalizedSignal[],
  receivedAt: Date,
): Promise<string[]> {
  const summary: string[] = []
  for (const s of signals) {
    const match = await matchPoLine(tx, s, supplierId)
    const carrier = s.carrier ?? (s.trackingNumber ? detectCarrier(s.trackingNumber) : null)
    await tx.query(
      `INSERT INTO supplier_signals (message_id, supplier_id, po_line_id, po_number, po_line, sku, status, qty,
                                     expected_ship_date, carrier, tracking_number, received_at, source, raw_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        messageId, match?.supplier_id ?? supplierId, match?.po_line_id ?? null, s.poNumber, s.poLine, s.sku ?? s.supplierSku ?? null,
        s.status, s.qty, s.expectedShipDate, carrier, s.trackingNumber, receivedAt, s.location, s.rawCode,
      ],
    )
    const where = `PO ${s.poNumber ?? '?'}${s.poLine ? ` line ${s.poLine}` : ''}${s.sku ? ` (${s.sku})` : ''}`
    if (!match) {
      summary.push(`${where}: ${describe(s)} — matches no open PO line; kept for a rep`)
      continue
    }
    if (s.status === 'shipped' && s.trackingNumber) await recordShipment(tx, match, s, carrier, messageId, receivedAt)
    await tx.query('UPDATE order_lines SET dirty = true WHERE order_line_id = $1', [match.order_line_id])
    summary.push(`${where}: ${describe(s)}`)
  }
  return summary
}

async function recordShipment(
  tx: Queryable,
  match: Match,
  s: NormalizedSignal,
  carrier: string | null,
  messageId: number,
  receivedAt: Date,
): Promise<void> {
  // Without a quantity, a shipment carries what has not shipped yet.
  const shipped = await tx.query<{ n: number }>(
    'SELECT coalesce(sum(qty), 0)::int AS n FROM shipments WHERE order_line_id = $1 AND tracking_number <> $2',
    [match.order_line_id, s.trackingNumber],
  )
  const qty = s.qty && s.qty > 0 ? s.qty : Math.max(1, match.qty - shipped[0].n)
  await tx.query(
    `INSERT INTO shipments (order_line_id, po_line_id, carrier, tracking_number, service, shipped_at, qty, message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (order_line_id, tracking_number) DO NOTHING`,
    [match.order_line_id, match.po_line_id, carrier, s.trackingNumber, s.service ?? null, s.shippedAt ?? receivedAt, qty, messageId],
  )
}
