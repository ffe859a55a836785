/** Builds the message model of one order's plan, and the rows each channel stores. */
import { choiceTokenExpiry, signChoiceToken } from '../choices/choice-token.ts'
import { createHash } from 'node:crypto'
import type { OrderPlan } from '../domain/outreach-policy.ts'
import { carrierName, trackingUrl } from '../carriers/carriers.ts'
import { localDay } from '../domain/calendar.ts'
import type { OrderFacts } from './outreach-facts.ts'
import { subjectFor, type ChoiceLink, type MessageLine, type MessageModel, type StoreDetails } from './message-model.ts'
import { signUnsubscribeToken } from './unsubscribe-token.ts'

export interface ComposeOptions {
  store: StoreDetails
  secret: string
  now: Date
  /** The store's zone: the days the message names are its days. */
  timeZone: string
  /** Links for a line's choices (wait, cancel, switch to each alternative). */
  choiceLinks?: (order: OrderFacts, lineNo: number) => ChoiceLink[]
}

const CHOICE_STATES = ['backordered', 'delayed', 'unavailable', 'processing', 'restocked']

/** The default links: the order page, where the customer chooses after looking the order up. */
/** The line's signed, expiring, single-use choice link (DESIGN.md): it opens the order page with the line's options. */
function orderPageLinks(order: OrderFacts, lineNo: number, o: ComposeOptions, canWait: boolean): ChoiceLink[] {
  // The nonce is made from the message's own facts, so composing the same message twice gives the same text.
  const nonce = createHash('sha256').update(`${order.orderNumber}\u0000${lineNo}\u0000${o.now.toISOString()}`).digest('base64url').slice(0, 16)
  const token = signChoiceToken(o.secret, { orderNumber: order.orderNumber, lineNo, expiresAt: choiceTokenExpiry(o.now), nonce })
  const url = `${o.store.publicUrl}/orders/${encodeURIComponent(order.orderNumber)}/choose?token=${encodeURIComponent(token)}`
  // A line nobody can supply is never offered a wait (DESIGN.md "The law on delays").
  const label = canWait ? 'Choose: wait, switch, or cancel this item for a full refund' : 'Choose an alternative, or cancel this item for a full refund'
  return [{ label, url }]
}

/** The message of one order: its speaking lines in plain words with their links. */
export function composeMessage(order: OrderFacts, plan: OrderPlan, cancelled: Map<number, { qty: number; refundDue: string; reason: string }>, o: ComposeOptions): MessageModel {
  const lines: MessageLine[] = []
  for (const p of plan.lines.filter((x) => x.triggers.length > 0)) {
    const f = order.lines.find((l) => l.snapshot.line.lineNo === p.lineNo)!
    const s = f.status
    const cancel = cancelled.get(p.lineNo) ??
      (s.quantities.cancelled ? { qty: s.quantities.cancelled, refundDue: f.refundDue, reason: f.cancelReason ?? 'cancelled' } : null)
    const offers = p.notice && !cancelled.has(p.lineNo) && CHOICE_STATES.includes(s.state)
    lines.push({
      lineNo: p.lineNo, sku: f.snapshot.line.sku, name: f.snapshot.name, qty: f.snapshot.line.qty, state: s.state,
      triggers: p.triggers.map((t) => t.trigger), explanation: s.explanation, eta: s.eta,
      tracking: s.tracking.filter((t) => t.qty > 0).map((t) => ({ carrier: carrierName(t.carrier), number: t.number, url: trackingUrl(t.carrier, t.number) })),
      notice: cancelled.has(p.lineNo) ? null : p.notice,
      reason: p.notice && (p.notice.revisedDate === null || p.notice.silence === 'cancel') ? delayReason(s.state) : null,
      cancelled: cancel ? { qty: cancel.qty, refundDue: cancel.refundDue, reason: cancel.reason } : null,
      switched: f.switched && { fromName: f.switched.fromName, priceDelta: f.switched.priceDelta, absorbed: f.switched.absorbed, byRep: f.switched.byRep },
      choices: offers ? (o.choiceLinks?.(order, p.lineNo) ?? orderPageLinks(order, p.lineNo, o, s.state !== 'unavailable')) : [],
    })
  }
  const required = plan.required
  const switchedLines = lines.filter((l) => l.triggers.includes('switched'))
  return {
    store: o.store, customerName: order.customer.name, orderNumber: order.orderNumber, placedAt: order.placedAt,
    placedOn: localDay(order.placedAt, o.timeZone),
    triggers: plan.triggers, subject: subjectFor(order.orderNumber, plan.triggers, switchedLines.length === 1 ? switchedLines[0].name : null,
      switchedLines.length === 1 && switchedLines[0].switched?.fromName === switchedLines[0].name), lines,
    orderUrl: `${o.store.publicUrl}/orders/${encodeURIComponent(order.orderNumber)}`,
    unsubscribeUrl: `${o.store.publicUrl}/unsubscribe?token=${signUnsubscribeToken(order.customer.id, o.secret)}`,
    required,
  }
}

/** The reason a notice must give when the date is unknown or far off (16 CFR 435.2(b)(1)(ii)). */
function delayReason(state: string): string {
  if (state === 'backordered') return 'the supplier is out of stock of this item'
  if (state === 'unavailable') return 'the supplier told us it cannot supply this item'
  return 'the supplier has not yet confirmed when it will ship this item'
}

/** A key unique to this order's news: the same plan queued twice is one message per channel. */
export function planKey(order: OrderFacts, plan: OrderPlan): string {
  const parts = plan.lines.flatMap((l) => l.triggers.map((t) => `${l.lineNo}:${t.trigger}:${t.etaKey}`)).sort()
  return createHash('sha256').update(`${order.orderId}|${parts.join('|')}`).digest('hex').slice(0, 24)
}

/** The retailer webhook's JSON body for a message. */
export function webhookBody(m: MessageModel, notificationIds: number[], now: Date): string {
  return JSON.stringify({
    type: 'customer.notified', at: now.toISOString(), orderNumber: m.orderNumber, triggers: m.triggers, required: m.required,
    subject: m.subject, notifications: notificationIds,
    lines: m.lines.map((l) => ({
      lineNo: l.lineNo, sku: l.sku, state: l.state, triggers: l.triggers, eta: l.eta,
      notice: l.notice ? { kind: l.notice.kind, revisedDate: l.notice.revisedDate, silence: l.notice.silence, cancelOn: l.notice.cancelOn } : null,
      cancelled: l.cancelled,
    })),
  })
}
