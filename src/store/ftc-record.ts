/**
 * The delay-notice record per order line (16 CFR 435; DESIGN.md "Record"): the applicable time
 * and how it was set; each notice (kind, channel, sent at, revised date or unknown, silence
 * meaning, message id, whether it was complete and reached the customer); each answer;
 * automatic cancellations with their reason; the ship date; every refund with its amount and due
 * date. Read by `wismo ftc` and the console.
 */
import type { Queryable } from './db.ts'
import { loadOrderSnapshot } from './order-snapshot.ts'
import { loadNoticeMessages, reachedAt, type NoticeMessage } from './notice-messages.ts'
import { applicableTime, type ApplicableBasis } from '../domain/applicable-time.ts'
import { DEFAULT_CALENDAR, localDay } from '../domain/calendar.ts'
import type { CalendarConfig } from '../domain/types.ts'

/** One message that carried a notice. */
export interface FtcMessage {
  notificationId: number
  channel: string
  status: string
  sentAt: string | null
  messageId: string | null
  /** It carried the whole notice (an email; a text only when everything fit). */
  complete: boolean
  error: string | null
}

export interface FtcNotice {
  kind: 'first' | 'renewed'
  createdAt: string
  /** When the main message left (null: queued, held for quiet hours, or not delivered — see status). */
  sentAt: string | null
  /** null: the notice said the date is unknown. */
  revisedDate: string | null
  silence: 'consent' | 'cancel'
  silenceMeans: string
  cancelOn: string | null
  /** The main message: the complete one that reached the customer, else the first complete one, else the first. */
  notificationId: number | null
  messageId: string | null
  channel: string | null
  status: string | null
  /** The notice went out in full (not only as a text pointing to it). */
  complete: boolean
  /** A complete copy was sent, and when; what "no notice, no delay" counts. */
  reached: boolean
  reachedAt: string | null
  messages: FtcMessage[]
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

export interface FtcRefund {
  reason: string
  qty: number
  /** Everything refunded: price, tax and shipping. */
  amount: number
  tax: number
  shipping: number
  dueBy: string
  at: string
}

export interface FtcLine {
  lineNo: number
  sku: string
  qty: number
  /** The applicable time: the stated ship date, else payment + 30 days (50 on the store's credit). */
  applicableDate: string
  applicableBasis: ApplicableBasis
  notices: FtcNotice[]
  answers: FtcAnswer[]
  /** wismo's own cancellation (no_notice, no_consent, rejected). */
  cancellation: { reason: string; at: string; qty: number; refundDue: string } | null
  /** The first shipment of the line, if any, and its day in the store's zone. */
  shippedAt: string | null
  shippedOn: string | null
  refunds: FtcRefund[]
  /** The sum of the refunds, and the latest due date among them (null: none). */
  refundAmount: number | null
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

async function refundsFor(db: Queryable, lineIds: number[]): Promise<Map<number, FtcRefund[]>> {
  const rows = await db.query<{ order_line_id: number; reason: string; qty: number; amount: string; tax: string; shipping: string; due_by: string; created_at: Date }>(
    `SELECT order_line_id, reason, qty, amount, tax, shipping, due_by::text, created_at FROM refunds
      WHERE order_line_id = ANY($1::bigint[]) ORDER BY created_at, refund_id`, [lineIds])
  const m = new Map<number, FtcRefund[]>()
  for (const r of rows) {
    m.set(r.order_line_id, [...(m.get(r.order_line_id) ?? []), {
      reason: r.reason, qty: r.qty, amount: Number(r.amount), tax: Number(r.tax), shipping: Number(r.shipping), dueBy: r.due_by, at: r.created_at.toISOString(),
    }])
  }
  return m
}

interface NoticeRow {
  order_line_id: number; notice_id: number; kind: 'first' | 'renewed'; created_at: Date; revised_date: string | null; silence: 'consent' | 'cancel'
  cancel_on: string | null; reason: string | null
}

function toNotice(n: NoticeRow, messages: NoticeMessage[]): FtcNotice {
  const main = messages.find((m) => m.complete && m.status === 'sent') ?? messages.find((m) => m.complete) ?? messages[0] ?? null
  const reached = reachedAt(messages)
  return {
    kind: n.kind, createdAt: n.created_at.toISOString(), sentAt: main?.sentAt?.toISOString() ?? null, revisedDate: n.revised_date,
    silence: n.silence, silenceMeans: SILENCE[n.reason === 'unavailable' ? 'unavailable' : n.silence], cancelOn: n.cancel_on, notificationId: main?.notificationId ?? null,
    messageId: main?.messageId ?? null, channel: main?.channel ?? null, status: main?.status ?? null, complete: main?.complete ?? false,
    reached: reached !== null, reachedAt: reached?.toISOString() ?? null,
    messages: messages.map((m) => ({
      notificationId: m.notificationId, channel: m.channel, status: m.status, sentAt: m.sentAt?.toISOString() ?? null, messageId: m.messageId,
      complete: m.complete, error: m.error,
    })),
  }
}

const cents = (n: number) => Math.round(n * 100) / 100

/** The order's record, line by line; null when there is no such order. */
export async function loadFtcRecord(db: Queryable, orderNumber: string, calendar: CalendarConfig = DEFAULT_CALENDAR): Promise<FtcRecord | null> {
  const snap = await loadOrderSnapshot(db, orderNumber)
  if (!snap) return null
  const ids = snap.lines.map((l) => l.orderLineId)
  // One after another: on one connection parallel queries only queue up.
  const notices = await db.query<NoticeRow>(
    `SELECT order_line_id, notice_id, kind, created_at, revised_date::text, silence, cancel_on::text, reason
       FROM delay_notices WHERE order_line_id = ANY($1::bigint[]) ORDER BY created_at, notice_id`, [ids])
  const messages = await loadNoticeMessages(db, notices.map((n) => n.notice_id))
  const cancels = await db.query<{ order_line_id: number; reason: string; cancelled_at: Date; qty: number; refund_due: string }>(
    `SELECT order_line_id, reason, cancelled_at, qty, refund_due::text FROM ftc_cancellations WHERE order_line_id = ANY($1::bigint[])`, [ids])
  const answers = await answersFor(db, ids)
  const refunds = await refundsFor(db, ids)
  return {
    orderNumber: snap.orderNumber,
    lines: snap.lines.map((l) => {
      const c = cancels.find((x) => x.order_line_id === l.orderLineId)
      const shipped = l.signals.shipments.map((s) => s.shippedAt.getTime()).sort((a, b) => a - b)[0]
      const applicable = applicableTime(l.line, calendar)
      const paid = refunds.get(l.orderLineId) ?? []
      return {
        lineNo: l.line.lineNo, sku: l.line.sku, qty: l.line.qty,
        applicableDate: applicable.date, applicableBasis: applicable.basis,
        notices: notices.filter((n) => n.order_line_id === l.orderLineId).map((n) => toNotice(n, messages.get(n.notice_id) ?? [])),
        answers: answers.get(l.orderLineId) ?? [],
        cancellation: c ? { reason: c.reason, at: c.cancelled_at.toISOString(), qty: c.qty, refundDue: c.refund_due } : null,
        shippedAt: shipped !== undefined ? new Date(shipped).toISOString() : null,
        shippedOn: shipped !== undefined ? localDay(new Date(shipped), calendar) : null,
        refunds: paid,
        refundAmount: paid.length > 0 ? cents(paid.reduce((s, r) => s + r.amount, 0)) : null,
        refundDueDate: paid.map((r) => r.dueBy).sort().at(-1) ?? c?.refund_due ?? null,
      }
    }),
  }
}
