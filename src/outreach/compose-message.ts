/** Builds the message model of one order's plan, and the rows each channel stores. */
import { choiceTokenExpiry, signChoiceToken } from '../choices/choice-token.ts'
import { createHash } from 'node:crypto'
import type { OrderPlan } from '../domain/outreach-policy.ts'
import { carrierName, trackingUrl } from '../carriers/carriers.ts'
import { localDay } from '../domain/calendar.ts'
import type { OrderFacts } from './outreach-facts.ts'
import { subjectFor, type ChoiceLink, type MessageAlternative, type MessageLine, type MessageModel, type StoreDetails } from './message-model.ts'
import { shortCode } from './short-link.ts'
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

/**
 * The line's choice buttons (DESIGN.md "Choice links"): one signed, expiring link per answer —
 * wait (never for a line nobody can supply), each alternative, cancel — all carrying the same
 * single-use token, each opening the order page with that answer's panel (`pick`). The text part
 * prints the short form of each (short-link.ts).
 */
function orderPageLinks(order: OrderFacts, line: { lineNo: number; canWait: boolean; alternatives: MessageAlternative[] }, o: ComposeOptions): ChoiceLink[] {
  // The nonce is made from the message's own facts, so composing the same message twice gives the same text.
  const nonce = createHash('sha256').update(`${order.orderNumber}\u0000${line.lineNo}\u0000${o.now.toISOString()}`).digest('base64url').slice(0, 16)
  const expiresAt = choiceTokenExpiry(o.now)
  const token = signChoiceToken(o.secret, { orderNumber: order.orderNumber, lineNo: line.lineNo, expiresAt, nonce })
  const base = `${o.store.publicUrl}/orders/${encodeURIComponent(order.orderNumber)}/choose?token=${encodeURIComponent(token)}`
  const link = (label: string, pick: string): ChoiceLink => {
    const url = `${base}&pick=${encodeURIComponent(pick)}`
    return { label, url, pick, expiresAt, shortUrl: `${o.store.publicUrl}/l/${shortCode(o.secret, url)}` }
  }
  return [
    ...(line.canWait ? [link('Keep waiting', 'wait')] : []),
    ...line.alternatives.map((a) => link(`Switch to ${a.name}`, a.sku)),
    link('Cancel this item for a full refund', 'cancel'),
  ]
}

/** The message of one order: its speaking lines in plain words with their links. */
export function composeMessage(order: OrderFacts, plan: OrderPlan, cancelled: Map<number, { qty: number; refundDue: string; reason: string }>, o: ComposeOptions): MessageModel {
  const lines: MessageLine[] = []
  for (const p of plan.lines.filter((x) => x.triggers.length > 0)) {
    const f = order.lines.find((l) => l.snapshot.line.lineNo === p.lineNo)!
    const s = f.status
    const cancel = cancelled.get(p.lineNo) ??
      (s.quantities.cancelled ? { qty: s.quantities.cancelled, refundDue: f.refundDue, reason: f.cancelReason ?? 'cancelled' } : null)
    const offers = Boolean(p.notice && !cancelled.has(p.lineNo) && CHOICE_STATES.includes(s.state))
    const alternatives: MessageAlternative[] = offers ? f.alternativeOffers.map((a) => ({ sku: a.sku, name: a.name, eta: a.eta, priceDelta: a.priceDelta })) : []
    lines.push({
      lineNo: p.lineNo, sku: f.snapshot.line.sku, name: f.snapshot.name, qty: f.snapshot.line.qty, state: s.state,
      triggers: p.triggers.map((t) => t.trigger), explanation: explanationAfter(s.explanation, cancelled.get(p.lineNo), f.snapshot.line.qty), eta: s.eta,
      tracking: s.tracking.filter((t) => t.qty > 0).map((t) => ({ carrier: carrierName(t.carrier), number: t.number, url: trackingUrl(t.carrier, t.number) })),
      notice: cancelled.has(p.lineNo) ? null : p.notice,
      reason: p.notice && (p.notice.revisedDate === null || p.notice.silence === 'cancel') ? delayReason(s.state) : null,
      cancelled: cancel ? { qty: cancel.qty, refundDue: cancel.refundDue, reason: cancel.reason } : null,
      switched: f.switched && { fromName: f.switched.fromName, priceDelta: f.switched.priceDelta, absorbed: f.switched.absorbed, byRep: f.switched.byRep },
      alternatives,
      choices: offers ? (o.choiceLinks?.(order, p.lineNo) ?? orderPageLinks(order, { lineNo: p.lineNo, canWait: s.state !== 'unavailable', alternatives }, o)) : [],
    })
  }
  const required = plan.required
  const switchedLines = lines.filter((l) => l.triggers.includes('switched'))
  return {
    store: o.store, customerName: order.customer.name, orderNumber: order.orderNumber, placedAt: order.placedAt,
    placedOn: localDay(order.placedAt, o.timeZone),
    triggers: plan.triggers, subject: subjectFor(order.orderNumber, plan.triggers, switchedLines.length === 1 ? switchedLines[0].name : null,
      switchedLines.length === 1 && switchedLines[0].switched?.fromName === switchedLines[0].name, lines.some((l) => l.choices.length > 0)), lines,
    orderUrl: `${o.store.publicUrl}/orders/${encodeURIComponent(order.orderNumber)}`,
    unsubscribeUrl: `${o.store.publicUrl}/unsubscribe?token=${signUnsubscribeToken(order.customer.id, o.secret)}`,
    required,
  }
}

/**
 * The line's explanation, unless this very message cancels all of it: the status was derived
 * before the cancellation, and its words ("running late; should now ship around …") would
 * contradict the cancellation the message announces.
 */
function explanationAfter(explanation: string, cancelledNow: { qty: number } | undefined, qty: number): string {
  return cancelledNow && cancelledNow.qty >= qty ? '' : explanation
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
