/**
 * Automatic cancellation (DESIGN.md "The law on delays"): a line past its applicable time with no
 * complete notice having reached the customer by then (`no_notice`), one whose deadline passed
 * unshipped and without consent (`no_consent`), or one the supplier cannot supply (`rejected`) is
 * cancelled by wismo — the line `cancelled` with its reason, a refund of everything tendered
 * for it due within 7 working days, a cancel request to the supplier, a rep task saying why —
 * all inside the caller's transaction, with the FTC record.
 */
import type { Queryable } from '../store/db.ts'
import { openTask } from '../store/tasks.ts'
import { recordRefundDue, refundTerms } from '../store/refunds.ts'
import { requestSupplierCancel } from '../purchasing/documents.ts'
import { localDay } from '../domain/calendar.ts'
import type { CancelReason } from '../domain/delay-notice.ts'
import type { CalendarConfig, IsoDate } from '../domain/types.ts'
import type { NoticeMessage } from '../store/notice-messages.ts'

export interface AutoCancelInput {
  orderId: number
  orderLineId: number
  lineNo: number
  /** Units to cancel: the line's open (unshipped, not yet cancelled) quantity. */
  qty: number
  reason: CancelReason
  noticeId: number | null
  today: IsoDate
  now: Date
  calendar: CalendarConfig
  /** For `no_notice`: what became of the notices (whyNoNotice), for the rep. */
  why?: string | null
}

const TITLES: Record<CancelReason, string> = {
  no_consent: 'Cancelled: no consent to the delay by its deadline',
  rejected: 'Cancelled: the supplier cannot supply it',
  no_notice: 'Cancelled: no delay notice reached the customer by the applicable time',
}

/** Cancels a line for the rule; null when it was already cancelled by wismo (nothing is done twice). */
export async function autoCancelLine(tx: Queryable, c: AutoCancelInput): Promise<{ refundDue: IsoDate } | null> {
  const recorded = await tx.query(
    `INSERT INTO ftc_cancellations (order_line_id, reason, qty, cancelled_at, refund_due, notice_id)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_line_id) DO NOTHING RETURNING order_line_id`,
    [c.orderLineId, c.reason, c.qty, c.now, c.today, c.noticeId],
  )
  if (recorded.length === 0) return null
  await tx.query(
    `UPDATE order_lines SET cancelled_at = $2, cancelled_qty = least(qty, coalesce(cancelled_qty, 0) + $3), cancel_reason = $4, dirty = true
      WHERE order_line_id = $1`,
    [c.orderLineId, c.now, c.qty, c.reason],
  )
  const refund = await refundTerms(tx, { orderLineId: c.orderLineId, qty: c.qty, today: c.today, calendar: c.calendar })
  await tx.query('UPDATE ftc_cancellations SET refund_due = $2 WHERE order_line_id = $1', [c.orderLineId, refund.dueBy])
  await recordRefundDue(tx, { orderLineId: c.orderLineId, qty: c.qty, ...refund, reason: c.reason, now: c.now })
  await requestSupplierCancel(tx, { orderLineId: c.orderLineId, reason: c.reason, now: c.now })
  await openTask(tx, {
    kind: 'auto_cancelled', dedupeKey: `auto_cancelled:${c.orderLineId}`, orderId: c.orderId, orderLineId: c.orderLineId, title: TITLES[c.reason],
    detail: `line ${c.lineNo}: ${c.qty} unit(s) cancelled${c.why ? ` (${c.why})` : ''}; refund of ${refund.amount.toFixed(2)} due by ${refund.dueBy}; cancel request sent to the supplier`,
    now: c.now,
  })
  return { refundDue: refund.dueBy }
}

/** One notice's fate in words: each message that carried it, and why none counted. */
function noticeFate(n: { createdAt: Date; messages: NoticeMessage[] }, applicableDate: IsoDate, cal: CalendarConfig): string {
  const fates = n.messages.map((m) => {
    if (!m.complete) return `${m.channel}: a text pointing to the notice, not the notice itself`
    if (m.status === 'sent' && m.sentAt) return `${m.channel} sent ${localDay(m.sentAt, cal)}, after ${applicableDate}`
    return `${m.channel} ${m.status}${m.error ? `: ${m.error}` : ''}`
  })
  return `notice of ${localDay(n.createdAt, cal)}: ${fates.length > 0 ? fates.join('; ') : 'no message'}`
}

/** Why no complete notice reached the customer by the applicable day, for the rep's task. */
export function whyNoNotice(applicableDate: IsoDate, notices: { createdAt: Date; messages: NoticeMessage[] }[], cal: CalendarConfig): string {
  if (notices.length === 0) return `no notice was sent by ${applicableDate}, the applicable time; wismo learned of the delay too late or could not tell`
  return `no complete notice reached the customer by ${applicableDate}: ${notices.map((n) => noticeFate(n, applicableDate, cal)).join(' | ')}`
}
