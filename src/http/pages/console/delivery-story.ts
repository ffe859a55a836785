/** The parcels in trouble on an order and what reps did about them, for the console's order page. */
import type { Queryable } from '../../../store/db.ts'
import type { RepOrderView } from '../../../status/order-status.ts'
import { listDeliveryActions, type DeliveryActionKind, type DeliveryActionRow } from '../../../store/delivery-actions.ts'

export interface TroubledParcel {
  lineNo: number
  sku: string
  trackingNumber: string
  carrier: string | null
  /** The carrier's word for the problem, when it gave one. */
  reason: string | null
  qty: number
  unitPrice: number | null
  /** Who can ship a replacement: the line's supplier first, then any other that offers the item. */
  suppliers: { id: string; name: string }[]
  /** What was already done about this parcel. */
  done: DeliveryActionKind[]
}

export interface DeliveryStory {
  parcels: TroubledParcel[]
  actions: DeliveryActionRow[]
}

export async function loadDeliveryStory(db: Queryable, orderId: number, view: RepOrderView): Promise<DeliveryStory> {
  const actions = await listDeliveryActions(db, orderId)
  const troubled = view.lines.flatMap((l) => l.tracking.filter((t) => t.status === 'exception').map((t) => ({ line: l, t })))
  if (troubled.length === 0) return { parcels: [], actions }
  const rows = await db.query<{ line_no: number; tracking_number: string; qty: number; price: number | null }>(
    `SELECT l.line_no, sh.tracking_number, sum(sh.qty)::int AS qty, max(coalesce(l.unit_price, p.price)) AS price
       FROM shipments sh JOIN order_lines l ON l.order_line_id = sh.order_line_id LEFT JOIN products p ON p.sku = l.sku
      WHERE l.order_id = $1 GROUP BY l.line_no, sh.tracking_number`,
    [orderId],
  )
  const suppliers = await db.query<{ line_no: number; id: string; name: string; own: boolean }>(
    `SELECT l.line_no, s.supplier_id AS id, s.name, s.supplier_id = l.supplier_id AS own
       FROM order_lines l JOIN suppliers s
         ON s.supplier_id = l.supplier_id OR EXISTS (SELECT 1 FROM offers f WHERE f.supplier_id = s.supplier_id AND f.sku = l.sku)
      WHERE l.order_id = $1 ORDER BY l.line_no, (s.supplier_id = l.supplier_id) DESC, s.name`,
    [orderId],
  )
  return {
    actions,
    parcels: troubled.map(({ line, t }) => {
      const shipped = rows.find((r) => r.line_no === line.lineNo && r.tracking_number === t.number)
      return {
        lineNo: line.lineNo, sku: line.sku, trackingNumber: t.number, carrier: t.carrier, reason: line.reason,
        qty: Math.min(shipped?.qty ?? line.qty, line.qty), unitPrice: shipped?.price === null || shipped?.price === undefined ? null : Number(shipped.price),
        suppliers: suppliers.filter((s) => s.line_no === line.lineNo).map((s) => ({ id: s.id, name: s.name })),
        done: actions.filter((a) => a.lineNo === line.lineNo && a.trackingNumber === t.number).map((a) => a.kind),
      }
    }),
  }
}
