/**
 * The delay-notice record per order line (16 CFR 435; DESIGN.md "Record"): the applicable time,
 * each notice (kind, sent at, revised date or unknown, silence meaning, message id), each answer,
 * automatic cancellations, the ship date and the refund due date. Read by `wismo ftc` and the console.
 */
import type { Queryable } from './db.ts'
import { loadOrderSnapshot } from './order-snapshot.ts'
import { promisedShipDate } from '../domain/line-state.ts'
import { DEFAULT_CALENDAR } from '../domain/calendar.ts'
import type { CalendarConfig } from '../domain/types.ts'

export interface FtcNotice {
  kind: 'first' | 'renewed'
  createdAt: string
  /** When the message left (null: queued, held for quiet hours, or not delivered — see status). */
  sentAt: string | null
  /** null: the notice said the date is unknown. */
  revisedDate: string | null
  silence: 'consent' | 'cancel'
  silenceMeans: string
  cancelOn: string | null
  notificationId: number | null
  messageId: string | null
  channel: string | null
  status: string | null
}

export interface FtcAnswer {
  choice: string
  /** switch: the item chosen; the line's SKU before the answer is fromSku. A switch starts the line's new promise. */
  sku: string | null
  fromSku: string
  decidedBy: string
  channel: string | null
  at: string
}

export interface FtcLine {
  lineNo: number
  sku: string
  qty: number
  /** The applicable time: the promised ship date. */
  applicableDate: string
  notices: FtcNotice[]
  answers: FtcAnswer[]
  cancellation: { reason: string; at: string; qty: number; refundDue: string } | null
  /** The first shipment of the line, if any. */
  shippedAt: string | null
  refundDueDate: string | null
}

export interface FtcRecord {
  orderNumber: string
  lines: FtcLine[]
}

const SILENCE: Record<string, string> = {
  consent: 'silence is consent to wait until the revised date',
  cancel: 'silence is not consent: unless the customer agrees to wait, the line is cancelled and refunded after the deadline',
  // A line the supplier cannot supply is offered alternatives or cancellation, never a wait.
  unavailable: 'the supplier cannot supply it: unless the customer switches to an alternative, the line is cancelled and refunded after the deadline',
}

async function answersFor(db: Queryable, lineIds: number[]): Promise<Map<number, FtcAnswer[]>> {
  const [{ present }] = await db.query<{ present: boolean }>(`SELECT to_regclass('line_choices') IS NOT NULL AS present`)
  const m = new Map<number, FtcAnswer[]>()
  if (!present) return m
  const rows = await db.query<{ order_line_id: number; choice: string; sku: string | null; from_sku: string; decided_by: string; channel: string | null; decided_at: Date }>(
    `SELECT order_line_id, choice, sku, from_sku, decided_by, channel, decided_at FROM line_choices WHERE order_line_id = ANY($1::bigint[]) ORDER BY decided_at, choice_id`, [lineIds])
  for (const r of rows) {
    const answer = { choice: r.choice, sku: r.sku, fromSku: r.from_sku, decidedBy: r.decided_by, channel: r.channel, at: r.decided_at.toISOString() }
    m.set(r.order_line_id, [...(m.get(r.order_line_id) ?? []), answer])
  }
  return m
}

/** The order's record, line by line; null when there is no such order. */
export async function loadFtcRecord(db: Queryable, orderNumber: string, calendar: CalendarConfig = DEFAULT_CALENDAR): Promise<FtcRecord | null> {
  const snap = await loadOrderSnapshot(db, orderNumber)
  if (!snap) return null
  const ids = snap.lines.map((l) => l.orderLineId)
  const [notices, cancels, answers] = await Promise.all([
    db.query<{ order_line_id: number; kind: 'first' | 'renewed'; created_at: Date; sent_at: Date | null; revised_date: string | null; silence: 'consent' | 'cancel';
      cancel_on: string | null; notification_id: number | null; message_id: string | null; channel: string | null; status: string | null; reason: string | null }>(
      `SELECT d.order_line_id, d.kind, d.created_at, n.sent_at, d.revised_date::text, d.silence, d.cancel_on::text, d.notification_id, d.reason,
              n.delivery ->> 'messageId' AS message_id, n.channel, n.status
         FROM delay_notices d LEFT JOIN notifications n USING (notification_id)
        WHERE d.order_line_id = ANY($1::bigint[]) ORDER BY d.created_at, d.notice_id`, [ids]),
    db.query<{ order_line_id: number; reason: string; cancelled_at: Date; qty: number; refund_due: string }>(
      `SELECT order_line_id, reason, cancelled_at, qty, refund_due::text FROM ftc_cancellations WHERE order_line_id = ANY($1::bigint[])`, [ids]),
    answersFor(db, ids),
  ])
  return {
    orderNumber: snap.orderNumber,
    lines: snap.lines.map((l) => {
      const c = cancels.find((x) => x.order_line_id === l.orderLineId)
      const shipped = l.signals.shipments.map((s) => s.shippedAt.getTime()).sort((a, b) => a - b)[0]
      return {
        lineNo: l.line.lineNo, sku: l.line.sku, qty: l.line.qty,
        applicableDate: promisedShipDate(l.line, calendar),
        notices: notices.filter((n) => n.order_line_id === l.orderLineId).map((n) => ({
          kind: n.kind, createdAt: n.created_at.toISOString(), sentAt: n.sent_at?.toISOString() ?? null, revisedDate: n.revised_date,
          silence: n.silence, silenceMeans: SILENCE[n.reason === 'unavailable' ? 'unavailable' : n.silence], cancelOn: n.cancel_on, notificationId: n.notification_id,
          messageId: n.message_id, channel: n.channel, status: n.status,
        })),
        answers: answers.get(l.orderLineId) ?? [],
        cancellation: c ? { reason: c.reason, at: c.cancelled_at.toISOString(), qty: c.qty, refundDue: c.refund_due } : null,
        shippedAt: shipped !== undefined ? new Date(shipped).toISOString() : null,
        refundDueDate: c?.refund_due ?? null,
      }
    }),
  }
}
