/**
 * Everything outreach needs about a batch of orders, read in a fixed handful of statements:
 * customers, each line's derived status, what each line was told, its delay notices, its
 * history and the customer's answers.
 */
import type { Queryable } from '../store/db.ts'
import { loadLineSnapshots, type LineSnapshot } from '../store/order-snapshot.ts'
import { deriveLine, type HistoryCache } from '../status/order-status.ts'
import type { LineStatus } from '../domain/line-state.ts'
import type { AnswerRecord, NoticeRecord } from '../domain/delay-notice.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { localDay } from '../domain/calendar.ts'
import { loadNoticeMessages, reachedAt, type NoticeMessage } from '../store/notice-messages.ts'
import { alternativesForLines } from '../status/line-alternatives.ts'
import type { Alternative } from '../domain/alternatives.ts'

export interface OrderFacts {
  orderId: number
  orderNumber: string
  placedAt: Date
  postalCode: string | null
  customer: {
    id: number; name: string | null; email: string | null; phone: string | null; channel: string
    emailOptedOut: boolean; smsOptedOut: boolean
  }
  lines: LineFacts[]
}

export interface LineFacts {
  snapshot: LineSnapshot
  status: LineStatus
  everLate: boolean
  told: { trigger: string; etaKey: string }[]
  /** Its delay notices, each with the messages that carried it. */
  notices: (NoticeRecord & { noticeId: number; messages: NoticeMessage[] })[]
  answers: AnswerRecord[]
  refundDue: string | null
  cancelReason: string | null
  /** The latest switch, for its confirmation. */
  switched: SwitchFact | null
  /** How many alternatives an unavailable line has now (0 for other lines: never read for them). */
  alternatives: number
  /** The alternatives the line is offered now (the customer's status view's), for the message's buttons. */
  alternativeOffers: Alternative[]
}

/** A switch as the customer's confirmation tells it. */
export interface SwitchFact {
  at: Date
  fromName: string
  /** Per unit, the new item's price minus the old one's. */
  priceDelta: number
  /** The store absorbs a dearer item's difference. */
  absorbed: boolean
  /** A rep recorded it at the customer's request. */
  byRep: boolean
}

interface OrderRow {
  order_id: number; order_number: string; placed_at: Date; postal_code: string | null; customer_id: number
  name: string | null; email: string | null; phone: string | null; channel: string
  opted_out_at: Date | null; sms_opted_out_at: Date | null
}

const group = <T extends { order_line_id: number }>(rows: T[]) => {
  const m = new Map<number, T[]>()
  for (const r of rows) m.set(r.order_line_id, [...(m.get(r.order_line_id) ?? []), r])
  return m
}

interface AnswerRow {
  order_line_id: number; choice: AnswerRecord['choice']; decided_at: Date; decided_by: string
  from_name: string | null; from_sku: string; price_delta: string | null; absorbed: boolean | null
}

/** The customer's answers per line, and each line's latest switch (table line_choices, when the choices module is installed). */
async function loadAnswers(tx: Queryable, lineIds: number[]): Promise<{ answers: Map<number, AnswerRecord[]>; switches: Map<number, SwitchFact> }> {
  const [{ present }] = await tx.query<{ present: boolean }>(`SELECT to_regclass('line_choices') IS NOT NULL AS present`)
  if (!present) return { answers: new Map(), switches: new Map() }
  const rows = await tx.query<AnswerRow>(
    `SELECT c.order_line_id, c.choice, c.decided_at, c.decided_by, p.name AS from_name, c.from_sku, c.price_delta::text,
            (c.detail ->> 'absorbed')::boolean AS absorbed
       FROM line_choices c LEFT JOIN products p ON p.sku = c.from_sku
      WHERE c.order_line_id = ANY($1::bigint[]) ORDER BY c.decided_at, c.choice_id`, [lineIds])
  const answers = new Map<number, AnswerRecord[]>()
  const switches = new Map<number, SwitchFact>()
  for (const r of rows) {
    answers.set(r.order_line_id, [...(answers.get(r.order_line_id) ?? []), { choice: r.choice, at: r.decided_at }])
    if (r.choice !== 'switch') continue
    switches.set(r.order_line_id, {
      at: r.decided_at, fromName: r.from_name ?? r.from_sku, priceDelta: Number(r.price_delta ?? 0), absorbed: r.absorbed === true,
      byRep: r.decided_by !== 'customer',
    })
  }
  return { answers, switches }
}

/**
 * What the line was told about its current item: news told before its latest switch was about the
 * item replaced. Switch confirmations are keyed by the switch itself and always kept.
 */
function toldSince(rows: { trigger: string; eta_key: string; told_at: Date }[], switched: SwitchFact | undefined) {
  const current = (t: (typeof rows)[number]) => !switched || t.trigger === 'switched' || t.told_at.getTime() > switched.at.getTime()
  return rows.filter(current).map((t) => ({ trigger: t.trigger, etaKey: t.eta_key }))
}

/**
 * Each line's alternatives now (none for a line that needs none: alternativesForLines reads nothing
 * then), by order line id. The plan only counts an unavailable line's (offered them, or cancelled).
 */
async function lineAlternatives(tx: Queryable, lines: { snapshot: LineSnapshot; status: LineStatus }[], ctx: { now: Date; calendar: CalendarConfig }) {
  const alts = await alternativesForLines(tx, lines, ctx)
  return new Map(lines.map((l, i) => [l.snapshot.orderLineId, alts[i]]))
}

async function loadLineExtras(tx: Queryable, lineIds: number[]) {
  // One after another: on a transaction's single connection, parallel queries only queue up.
  const told = await tx.query<{ order_line_id: number; trigger: string; eta_key: string; told_at: Date }>(
      'SELECT order_line_id, trigger, eta_key, told_at FROM outreach_told WHERE order_line_id = ANY($1::bigint[])', [lineIds])
  const notices = await tx.query<{ order_line_id: number; notice_id: number; kind: 'first' | 'renewed'; revised_date: string | null; silence: 'consent' | 'cancel'; cancel_on: string | null; created_at: Date; reason: string | null }>(
      `SELECT order_line_id, notice_id, kind, revised_date::text, silence, cancel_on::text, created_at, reason
         FROM delay_notices WHERE order_line_id = ANY($1::bigint[]) ORDER BY created_at, notice_id`, [lineIds])
  const late = await tx.query<{ order_line_id: number }>(
      `SELECT DISTINCT order_line_id FROM line_state_history
        WHERE order_line_id = ANY($1::bigint[]) AND state IN ('delayed', 'backordered', 'unavailable')`, [lineIds])
  const cancels = await tx.query<{ order_line_id: number; refund_due: string; cancel_reason: string | null }>(
      `SELECT l.order_line_id, f.refund_due::text AS refund_due, l.cancel_reason FROM order_lines l
         LEFT JOIN ftc_cancellations f USING (order_line_id)
        WHERE l.order_line_id = ANY($1::bigint[]) AND l.cancelled_at IS NOT NULL`, [lineIds])
  const messages = await loadNoticeMessages(tx, notices.map((n) => n.notice_id))
  return { told: group(told), notices: group(notices), messages, late: new Set(late.map((r) => r.order_line_id)), cancels: new Map(cancels.map((c) => [c.order_line_id, c])) }
}

/** Loads and derives the facts of these orders at `now`. */
export async function loadOutreachFacts(tx: Queryable, orderIds: number[], ctx: { now: Date; calendar: CalendarConfig }): Promise<OrderFacts[]> {
  const orders = await tx.query<OrderRow>(
    `SELECT o.order_id, o.order_number, o.placed_at, o.postal_code, c.customer_id, c.name, c.email, c.phone, c.channel,
            c.opted_out_at, c.sms_opted_out_at
       FROM orders o JOIN customers c USING (customer_id) WHERE o.order_id = ANY($1::bigint[]) ORDER BY o.order_id`, [orderIds])
  const ids = (await tx.query<{ order_line_id: number }>(
    'SELECT order_line_id FROM order_lines WHERE order_id = ANY($1::bigint[])', [orderIds])).map((r) => r.order_line_id)
  if (ids.length === 0) return []
  const snapshots = await loadLineSnapshots(tx, { lineIds: ids })
  const extras = await loadLineExtras(tx, ids)
  const { answers, switches } = await loadAnswers(tx, ids)
  const cache: HistoryCache = new Map()
  const derived: { snapshot: LineSnapshot; status: LineStatus }[] = []
  for (const s of snapshots) derived.push({ snapshot: s, status: await deriveLine(tx, s, ctx, cache) })
  const alternatives = await lineAlternatives(tx, derived, ctx)
  const byOrder = new Map<number, LineFacts[]>()
  for (const { snapshot: s, status } of derived) {
    const id = s.orderLineId
    const cancel = extras.cancels.get(id)
    const facts: LineFacts = {
      snapshot: s, status, everLate: extras.late.has(id),
      told: toldSince(extras.told.get(id) ?? [], switches.get(id)),
      notices: (extras.notices.get(id) ?? []).map((n) => {
        const messages = extras.messages.get(n.notice_id) ?? []
        const reached = reachedAt(messages)
        return {
          noticeId: n.notice_id, kind: n.kind, revisedDate: n.revised_date, silence: n.silence, cancelOn: n.cancel_on, createdAt: n.created_at, reason: n.reason,
          messages, reachedOn: reached ? localDay(reached, ctx.calendar) : null,
        }
      }),
      answers: answers.get(id) ?? [],
      refundDue: cancel?.refund_due ?? null,
      cancelReason: cancel?.cancel_reason ?? null,
      switched: switches.get(id) ?? null,
      alternatives: status.state === 'unavailable' ? (alternatives.get(id)?.length ?? 0) : 0,
      alternativeOffers: alternatives.get(id) ?? [],
    }
    byOrder.set(s.orderId, [...(byOrder.get(s.orderId) ?? []), facts])
  }
  return orders.map((o) => ({
    orderId: o.order_id, orderNumber: o.order_number, placedAt: o.placed_at, postalCode: o.postal_code,
    customer: {
      id: o.customer_id, name: o.name, email: o.email, phone: o.phone, channel: o.channel,
      emailOptedOut: o.opted_out_at !== null, smsOptedOut: o.sms_opted_out_at !== null,
    },
    lines: byOrder.get(o.order_id) ?? [],
  }))
}
