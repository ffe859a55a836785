import type { Queryable } from './db.ts'
import { DomainError } from '../domain/errors.ts'

export interface RefundDueInput {
  orderLineId: number
  qty: number
  /** In the store's currency, rounded to cents. */
  amount: number
  /** customer_cancel, price_difference, no_consent, rejected, retailer_cancel … */
  reason: string
  /** The day it must be paid by (FTC: 7 working days for a cancelled mail order). */
  dueBy: string
  choiceId?: number | null
  now: Date
}

export interface RefundRow {
  refundId: number
  orderNumber: string
  lineNo: number
  sku: string
  qty: number
  amount: number
  reason: string
  dueBy: string
  createdAt: string
}

/** Records a refund due to the customer for a line; returns its id. */
export async function recordRefundDue(tx: Queryable, input: RefundDueInput): Promise<number> {
  const amount = Math.round(input.amount * 100) / 100
  if (!Number.isFinite(amount) || amount < 0) throw new DomainError('REFUND_AMOUNT_INVALID', `refund amount must be ≥ 0, got ${input.amount}`)
  if (!Number.isInteger(input.qty) || input.qty < 0) throw new DomainError('REFUND_QTY_INVALID', `refund quantity must be a whole number ≥ 0, got ${input.qty}`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueBy)) throw new DomainError('REFUND_DUE_INVALID', `refund due date must be YYYY-MM-DD, got ${input.dueBy}`)
  const [row] = await tx.query<{ refund_id: number }>(
    `INSERT INTO refunds (order_line_id, qty, amount, reason, due_by, choice_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING refund_id`,
    [input.orderLineId, input.qty, amount, input.reason, input.dueBy, input.choiceId ?? null, input.now],
  )
  return row.refund_id
}

/** Refunds, oldest first, after a cursor (refund id) so a reader can page through them. */
export async function listRefunds(db: Queryable, opts: { after?: number; limit?: number; orderNumber?: string } = {}): Promise<RefundRow[]> {
  const rows = await db.query<{
    refund_id: number; order_number: string; line_no: number; sku: string; qty: number; amount: number
    reason: string; due_by: string; created_at: Date
  }>(
    `SELECT r.refund_id, o.order_number, l.line_no, coalesce(c.from_sku, l.sku) AS sku, r.qty, r.amount, r.reason, r.due_by, r.created_at
       FROM refunds r JOIN order_lines l ON l.order_line_id = r.order_line_id JOIN orders o ON o.order_id = l.order_id
       LEFT JOIN line_choices c ON c.choice_id = r.choice_id
      WHERE r.refund_id > $1 AND ($3::text IS NULL OR o.order_number = $3)
      ORDER BY r.refund_id LIMIT $2`,
    [opts.after ?? 0, opts.limit ?? 500, opts.orderNumber ?? null],
  )
  return rows.map((r) => ({
    refundId: r.refund_id, orderNumber: r.order_number, lineNo: r.line_no, sku: r.sku, qty: r.qty, amount: Number(r.amount),
    reason: r.reason, dueBy: r.due_by, createdAt: r.created_at.toISOString(),
  }))
}
