import type { Queryable } from './db.ts'

export const DELIVERY_ACTIONS = ['reship', 'refund', 'claim'] as const
export type DeliveryActionKind = (typeof DELIVERY_ACTIONS)[number]

/** Why the parcel is in trouble, as the rep records it. */
export const PARCEL_PROBLEMS = ['failed_attempt', 'damaged', 'lost', 'returned_to_sender', 'other'] as const
export type ParcelProblem = (typeof PARCEL_PROBLEMS)[number]

export interface DeliveryActionInput {
  orderLineId: number
  kind: DeliveryActionKind
  trackingNumber: string
  carrier: string | null
  reason: ParcelProblem
  qty: number
  amount?: number | null
  supplierId?: string | null
  poLineId?: number | null
  documentId?: number | null
  refundId?: number | null
  note?: string | null
  decidedBy: string
  now: Date
}

export interface DeliveryActionRow {
  actionId: number
  lineNo: number
  kind: DeliveryActionKind
  trackingNumber: string
  carrier: string | null
  reason: string
  qty: number
  amount: number | null
  supplierId: string | null
  supplierName: string | null
  poNumber: string | null
  status: 'open' | 'done'
  note: string | null
  decidedBy: string
  createdAt: string
}

/** Records what a rep did about a parcel; a claim stays open (filed) until the carrier answers. */
export async function recordDeliveryAction(tx: Queryable, a: DeliveryActionInput): Promise<number> {
  const [row] = await tx.query<{ action_id: number }>(
    `INSERT INTO delivery_actions (order_line_id, kind, tracking_number, carrier, reason, qty, amount, supplier_id, po_line_id, document_id,
                                   refund_id, status, note, decided_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING action_id`,
    [
      a.orderLineId, a.kind, a.trackingNumber, a.carrier, a.reason, a.qty, a.amount ?? null, a.supplierId ?? null, a.poLineId ?? null,
      a.documentId ?? null, a.refundId ?? null, a.kind === 'claim' ? 'open' : 'done', a.note ?? null, a.decidedBy, a.now,
    ],
  )
  return row.action_id
}

/** The kinds of action already taken on one parcel of a line. */
export async function actionsOnParcel(tx: Queryable, orderLineId: number, trackingNumber: string): Promise<DeliveryActionKind[]> {
  const rows = await tx.query<{ kind: DeliveryActionKind }>(
    'SELECT kind FROM delivery_actions WHERE order_line_id = $1 AND tracking_number = $2 ORDER BY action_id',
    [orderLineId, trackingNumber],
  )
  return rows.map((r) => r.kind)
}

/** An order's delivery actions, oldest first, for its console page. */
export async function listDeliveryActions(db: Queryable, orderId: number): Promise<DeliveryActionRow[]> {
  const rows = await db.query<{
    action_id: number; line_no: number; kind: DeliveryActionKind; tracking_number: string; carrier: string | null; reason: string; qty: number
    amount: number | null; supplier_id: string | null; supplier_name: string | null; po_number: string | null; status: 'open' | 'done'
    note: string | null; decided_by: string; created_at: Date
  }>(
    `SELECT a.action_id, l.line_no, a.kind, a.tracking_number, a.carrier, a.reason, a.qty, a.amount, a.supplier_id, s.name AS supplier_name,
            p.po_number, a.status, a.note, a.decided_by, a.created_at
       FROM delivery_actions a JOIN order_lines l ON l.order_line_id = a.order_line_id
       LEFT JOIN suppliers s ON s.supplier_id = a.supplier_id LEFT JOIN po_lines p ON p.po_line_id = a.po_line_id
      WHERE l.order_id = $1 ORDER BY a.created_at, a.action_id`,
    [orderId],
  )
  return rows.map((r) => ({
    actionId: r.action_id, lineNo: r.line_no, kind: r.kind, trackingNumber: r.tracking_number, carrier: r.carrier, reason: r.reason, qty: r.qty,
    amount: r.amount === null ? null : Number(r.amount), supplierId: r.supplier_id, supplierName: r.supplier_name, poNumber: r.po_number,
    status: r.status, note: r.note, decidedBy: r.decided_by, createdAt: r.created_at.toISOString(),
  }))
}
