/**
 * A line's story for its customer: ordered, what the supplier said (in customer words, never
 * the supplier's name), shipped, and the carrier's scans. Pure: signals in, events out.
 */
import { formatDay } from './text.ts'
import type { CarrierEvent, LineSignals, SupplierSignal } from './types.ts'

export interface TimelineEvent {
  at: Date
  /** A short title ("Backordered") and, when there is more to say, a sentence. */
  title: string
  detail: string | null
  kind: 'ordered' | 'supplier' | 'shipped' | 'scan' | 'cancelled' | 'choice'
}

export interface TimelineInput {
  placedAt: Date
  qty: number
  cancelledAt: Date | null
  signals: Pick<LineSignals, 'supplierSignals' | 'shipments' | 'carrierEvents'>
  /** Choices the customer (or a rep for them) made, already in words. */
  choices?: { at: Date; title: string; detail: string | null }[]
}

const SCAN_TITLE: Record<CarrierEvent['status'], string> = {
  pre_transit: 'Label created',
  in_transit: 'In transit',
  out_for_delivery: 'Out for delivery',
  delivered: 'Delivered',
  exception: 'Delivery problem',
}

const shipBy = (d: string | null) => (d ? ` It should ship around ${formatDay(d)}.` : '')

/** One supplier message (its signals share a messageId) told as one event. */
function supplierEvent(group: SupplierSignal[], wasBackordered: boolean, qty: number): TimelineEvent | null {
  const at = group[0].receivedAt
  const by = (s: SupplierSignal['status']) => group.find((g) => g.status === s)
  const bo = by('backordered')
  const ok = by('accepted')
  if (bo && ok) {
    const n = bo.qty ?? 0
    return { at, kind: 'supplier', title: 'Partly in stock', detail: `${ok.qty ?? qty - n} ready, ${n} backordered.${shipBy(bo.expectedShipDate)}` }
  }
  if (bo) {
    const part = bo.qty !== null && bo.qty < qty ? `${bo.qty} of ${qty} are out of stock for now.` : 'Out of stock for now.'
    return { at, kind: 'supplier', title: 'Backordered', detail: `${part}${bo.expectedShipDate ? shipBy(bo.expectedShipDate) : ' No ship date yet.'}` }
  }
  if (ok) return { at, kind: 'supplier', title: wasBackordered ? 'Back in stock' : 'Confirmed', detail: ok.expectedShipDate ? shipBy(ok.expectedShipDate).trim() : 'Being prepared for shipment.' }
  const s = group[0]
  switch (s.status) {
    case 'rescheduled': return { at, kind: 'supplier', title: 'Ship date changed', detail: s.expectedShipDate ? `Now expected to ship around ${formatDay(s.expectedShipDate)}.` : null }
    case 'rejected': return { at, kind: 'supplier', title: 'Cannot be supplied', detail: 'The item can no longer be supplied.' }
    case 'on_hold': return { at, kind: 'supplier', title: 'On hold', detail: "We're checking on it." }
    case 'cancelled': return { at, kind: 'supplier', title: 'Cancelled', detail: null }
    default: return null // 'shipped' is told by the shipment itself
  }
}

function supplierEvents(input: TimelineInput): TimelineEvent[] {
  const groups = new Map<number, SupplierSignal[]>()
  const sorted = [...input.signals.supplierSignals].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.messageId - b.messageId)
  for (const s of sorted) groups.set(s.messageId, [...(groups.get(s.messageId) ?? []), s])
  const out: TimelineEvent[] = []
  let wasBackordered = false
  let last = ''
  for (const group of groups.values()) {
    const e = supplierEvent(group, wasBackordered, input.qty)
    if (group.some((g) => g.status === 'backordered')) wasBackordered = true
    // The same news repeated by a daily feed is one event, not one per day.
    const key = e ? `${e.title}|${e.detail}` : ''
    if (e && key !== last) out.push(e)
    if (e) last = key
  }
  return out
}

/** The line's events, oldest first. */
export function buildTimeline(input: TimelineInput): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: input.placedAt, kind: 'ordered', title: 'Ordered', detail: null }]
  events.push(...supplierEvents(input))
  for (const sh of input.signals.shipments) {
    const carrier = sh.carrierName !== undefined ? sh.carrierName : sh.carrier
    const number = sh.trackingNumber ? `tracking number ${sh.trackingNumber}` : 'no tracking number given'
    events.push({ at: sh.shippedAt, kind: 'shipped', title: 'Shipped', detail: `${sh.qty} shipped${carrier ? ` with ${carrier}` : ''}, ${number}.` })
  }
  for (const e of input.signals.carrierEvents) {
    const where = e.location ? ` — ${e.location}` : ''
    events.push({ at: e.occurredAt, kind: 'scan', title: `${SCAN_TITLE[e.status] ?? e.status}${where}`, detail: e.message })
  }
  for (const c of input.choices ?? []) events.push({ at: c.at, kind: 'choice', title: c.title, detail: c.detail })
  if (input.cancelledAt) events.push({ at: input.cancelledAt, kind: 'cancelled', title: 'Cancelled', detail: null })
  return events.sort((a, b) => a.at.getTime() - b.at.getTime())
}
