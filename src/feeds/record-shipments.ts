/**
 * Shipped signals → shipment rows (docs/formats.md "856 Ship Notice", "Shipments").
 *
 * A row is one order line's part of one supplier shipment under one number: the key is the line,
 * the supplier's shipment id (856 BSN02; '' when the message has none, as in a CSV feed) and the
 * tracking number (null: shipped, but with no number a carrier can be asked about).
 * - Within one message, quantities of the same key add up: the cartons of a line under one
 *   shipment-level PRO number are all shipped (24 + 36 is 60, not 24).
 * - A later message about the same shipment id replaces what earlier ones said of it for the
 *   lines it names (a corrected or re-sent ASN); without a shipment id, it replaces the same
 *   line and number only. So a message sent twice never counts twice, and a replay changes nothing.
 * - Different shipment ids are different shipments, even under one number: they add up (the
 *   domain caps a line's shipped units at its quantity).
 */
import type { Queryable } from '../store/db.ts'
import type { NormalizedSignal } from './signal.ts'

/** A shipped signal matched to its line. */
export interface ShippedRow {
  s: NormalizedSignal
  orderLineId: number
  poLineId: number
  /** The PO line's quantity: a shipment without a quantity ships what is left of it. */
  lineQty: number
  carrier: string | null
}

interface Part {
  orderLineId: number
  poLineId: number
  ref: string
  number: string | null
  carrier: string | null
  service: string | null
  shippedAt: Date
  qty: number
}

const keyOf = (p: { orderLineId: number; ref: string; number: string | null }) => JSON.stringify([p.orderLineId, p.ref, p.number])

function partOf(r: ShippedRow, receivedAt: Date): Part {
  return {
    orderLineId: r.orderLineId, poLineId: r.poLineId, ref: r.s.shipmentId ?? '', number: r.s.trackingNumber || null,
    carrier: r.carrier, service: r.s.service ?? null, shippedAt: r.s.shippedAt ?? receivedAt, qty: r.s.qty ?? 0,
  }
}

/** One part per key: quantities summed, the first carrier, service and ship day that were given. */
function sumByKey(parts: Part[]): Part[] {
  const byKey = new Map<string, Part>()
  for (const p of parts) {
    const seen = byKey.get(keyOf(p))
    if (!seen) byKey.set(keyOf(p), { ...p })
    else Object.assign(seen, { qty: seen.qty + p.qty, carrier: seen.carrier ?? p.carrier, service: seen.service ?? p.service })
  }
  return [...byKey.values()]
}

// Same message: its cartons add up (a file is applied in batches). Another message: its word replaces.
const UPSERT = `ON CONFLICT (order_line_id, shipment_ref, tracking_number) DO UPDATE SET
   qty = CASE WHEN shipments.message_id = EXCLUDED.message_id THEN shipments.qty + EXCLUDED.qty ELSE EXCLUDED.qty END,
   shipped_at = CASE WHEN shipments.message_id = EXCLUDED.message_id THEN shipments.shipped_at ELSE EXCLUDED.shipped_at END,
   carrier = coalesce(EXCLUDED.carrier, shipments.carrier), service = coalesce(EXCLUDED.service, shipments.service),
   po_line_id = EXCLUDED.po_line_id, message_id = EXCLUDED.message_id`

/** Earlier messages' rows for the shipments this batch speaks of (by shipment id) give way to its word. */
async function replaceEarlier(tx: Queryable, messageId: number, parts: Part[]): Promise<void> {
  const named = parts.filter((p) => p.ref !== '')
  if (named.length === 0) return
  await tx.query(
    `DELETE FROM shipments s USING unnest($1::bigint[], $2::text[]) AS x(order_line_id, ref)
      WHERE s.order_line_id = x.order_line_id AND s.shipment_ref = x.ref AND s.message_id IS DISTINCT FROM $3`,
    [named.map((p) => p.orderLineId), named.map((p) => p.ref), messageId],
  )
}

/** Records the shipments of a batch's matched shipped signals (see the file comment). */
export async function recordShipments(tx: Queryable, messageId: number, rows: ShippedRow[], receivedAt: Date): Promise<void> {
  if (rows.length === 0) return
  await replaceEarlier(tx, messageId, rows.map((r) => partOf(r, receivedAt)))
  const counted = sumByKey(rows.filter((r) => r.s.qty !== null && r.s.qty > 0).map((r) => partOf(r, receivedAt)))
  if (counted.length > 0) {
    const col = <T>(f: (p: Part) => T) => counted.map(f)
    await tx.query(
      `INSERT INTO shipments (order_line_id, po_line_id, shipment_ref, carrier, tracking_number, service, shipped_at, qty, message_id)
       SELECT x.order_line_id, x.po_line_id, x.ref, x.carrier, x.tracking_number, x.service, x.shipped_at, x.qty, $9
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::int[])
              AS x(order_line_id, po_line_id, ref, carrier, tracking_number, service, shipped_at, qty)
       ${UPSERT}`,
      [
        col((p) => p.orderLineId), col((p) => p.poLineId), col((p) => p.ref), col((p) => p.carrier), col((p) => p.number),
        col((p) => p.service), col((p) => p.shippedAt.toISOString()), col((p) => p.qty), messageId,
      ],
    )
  }
  // Without a quantity: what the line's other shipments have not covered yet, one by one (each sees the last).
  for (const r of rows.filter((x) => x.s.qty === null)) {
    const p = partOf(r, receivedAt)
    await tx.query(
      `INSERT INTO shipments (order_line_id, po_line_id, shipment_ref, carrier, tracking_number, service, shipped_at, qty, message_id)
       SELECT $1, $2, $3, $4, $5, $6, $7, greatest(1, $8 - coalesce(sum(qty), 0))::int, $9
         FROM shipments WHERE order_line_id = $1 AND NOT (shipment_ref = $3 AND tracking_number IS NOT DISTINCT FROM $5)
       ON CONFLICT (order_line_id, shipment_ref, tracking_number) DO UPDATE SET qty = EXCLUDED.qty, message_id = EXCLUDED.message_id,
          carrier = coalesce(EXCLUDED.carrier, shipments.carrier), service = coalesce(EXCLUDED.service, shipments.service)`,
      [p.orderLineId, p.poLineId, p.ref, p.carrier, p.number, p.service, p.shippedAt, r.lineQty, messageId],
    )
  }
}
