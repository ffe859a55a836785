/**
 * Automatic cancellation (DESIGN.md "The law on delays"): a line whose deadline passed unshipped
 * and without consent, or that the supplier cannot supply, is cancelled by wismo — the line
 * `cancelled` with its reason, a refund due within 7 working days, a cancel request to the
 * supplier, a rep task — all inside the caller's transaction, with the FTC record.
 */
import type { Queryable } from '../store/db.ts'
import { openTask } from '../store/tasks.ts'
import { recordRefundDue } from '../store/refunds.ts'
import { requestSupplierCancel } from '../purchasing/documents.ts'
import { addBusinessDays } from '../domain/calendar.ts'
import type { CalendarConfig, IsoDate } from '../domain/types.ts'

/** Working days within which the refund of a cancelled line is due (16 CFR 435.1(d)). */
export const REFUND_WORKING_DAYS = 7

export interface AutoCancelInput {
  orderId: number
  orderLineId: number
  lineNo: number
  /** Units to cancel: the line's open (unshipped, not yet cancelled) quantity. */
  qty: number
  reason: 'no_consent' | 'rejected'
  noticeId: number | null
  today: IsoDate
  now: Date
  calendar: CalendarConfig
}

/** Cancels a line for the rule; null when it was already cancelled by wismo (nothing is done twice). */
export async function autoCancelLine(tx: Queryable, c: AutoCancelInput): Promise<{ refundDue: IsoDate } | null> {
  const refundDue = addBusinessDays(c.today, REFUND_WORKING_DAYS, c.calendar)
  const recorded = await tx.query(
    `INSERT INTO ftc_cancellations (order_line_id, reason, qty, cancelled_at, refund_due, notice_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_line_id) DO NOTHING RETURNING order_line_id`,
    [c.orderLineId, c.reason, c.qty, c.now, refundDue, c.noticeId],
  )
  if (recorded.length === 0) return null
  await tx.query(
    `UPDATE order_lines SET cancelled_at = $2, cancelled_qty = least(qty, coalesce(cancelled_qty, 0) + $3), cancel_reason = $4, dirty = true
      WHERE order_line_id = $1`,
    [c.orderLineId, c.now, c.qty, c.reason],
  )
  await cancelEffects(tx, { ...c, refundDue })
  await openTask(tx, {
    kind: 'auto_cancelled', dedupeKey: `auto_cancelled:${c.orderLineId}`, orderId: c.orderId, orderLineId: c.orderLineId,
    title: c.reason === 'no_consent' ? 'Cancelled: no consent to the delay by its deadline' : 'Cancelled: the supplier cannot supply it',
    detail: `line ${c.lineNo}: ${c.qty} unit(s) cancelled; refund due by ${refundDue}; cancel request sent to the supplier`, now: c.now,
  })
  return { refundDue }
}

/** The refund record (unit price paid × units cancelled) and the supplier's cancel request (860). */
async function cancelEffects(tx: Queryable, c: AutoCancelInput & { refundDue: IsoDate }): Promise<void> {
  const [line] = await tx.query<{ price: number | null }>(
    `SELECT coalesce(l.unit_price, p.price) AS price FROM order_lines l JOIN products p USING (sku) WHERE l.order_line_id = $1`,
    [c.orderLineId],
  )
  await recordRefundDue(tx, { orderLineId: c.orderLineId, qty: c.qty, amount: (line?.price ?? 0) * c.qty, reason: c.reason, dueBy: c.refundDue, now: c.now })
  await requestSupplierCancel(tx, { orderLineId: c.orderLineId, reason: c.reason, now: c.now })
}
