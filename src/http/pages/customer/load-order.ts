import type { Queryable } from '../../../store/db.ts'
import { loadOrderSnapshot } from '../../../store/order-snapshot.ts'
import { deriveOrder, presentCustomerView, type OrderStatusView } from '../../../status/order-status.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { buildTimeline, type TimelineEvent } from '../../../domain/timeline.ts'
import type { Config } from '../../../config.ts'
import type { SupplierSignal, SupplierStatus } from '../../../domain/types.ts'
import { listOrderChoices, type ChoiceRow } from '../../../store/choices-read.ts'
import { loadLineOffers } from '../../../choices/line-offers.ts'
import type { LineOffer } from '../../../choices/choice-rules.ts'

export interface CustomerOrder {
  orderId: number
  view: OrderStatusView
  timelines: Map<number, TimelineEvent[]>
  /** Each line's last recorded answer, in the customer's words. */
  chosen: Map<number, { text: string; at: Date; wait: boolean }>
  /** The answers each line takes now, by line number. */
  offers: Map<number, LineOffer>
}

/** The customer's view of an order with each line's story; null when there is no such order. */
export async function loadCustomerOrder(
  db: Queryable,
  orderNumber: string,
  opts: { now: Date; config: Pick<Config, 'holidays'> & Partial<Pick<Config, 'alternativesDelayDays' | 'countryHolidays' | 'timezone'>> },
): Promise<CustomerOrder | null> {
  const snapshot = await loadOrderSnapshot(db, orderNumber)
  if (!snapshot) return null
  const calendar = await calendarFrom(db, opts.config, opts.now)
  const derived = await deriveOrder(db, snapshot, { now: opts.now, calendar, alternativesDelayDays: opts.config.alternativesDelayDays })
  const choices = await listOrderChoices(db, snapshot.orderId)
  const earlier = await earlierSignals(db, snapshot.lines.map((l) => l.orderLineId))
  const timelines = new Map<number, TimelineEvent[]>()
  const chosen = new Map<number, { text: string; at: Date; wait: boolean }>()
  for (const ls of snapshot.lines) {
    const mine = choices.filter((c) => c.lineNo === ls.line.lineNo).map(choiceEvent)
    const last = mine.reduce<(typeof mine)[number] | null>((a, c) => (a === null || c.at >= a.at ? c : a), null)
    if (last) chosen.set(ls.line.lineNo, { text: last.title, at: last.at, wait: last.title === WAITED })
    // A switched line keeps its story: what the first supplier said comes before the switch.
    const before = earlier.get(ls.orderLineId) ?? []
    const signals = before.length === 0 ? ls.signals : { ...ls.signals, supplierSignals: [...before, ...ls.signals.supplierSignals] }
    timelines.set(ls.line.lineNo, buildTimeline({ placedAt: snapshot.placedAt, qty: ls.line.qty, cancelledAt: ls.line.cancelledAt, signals, choices: mine }))
  }
  const offers = await loadLineOffers(db, derived.lines.map((l) => ({
    orderLineId: l.snapshot.orderLineId, lineNo: l.snapshot.line.lineNo, state: l.status.state, quantities: l.status.quantities, alternatives: l.alternatives.length,
  })))
  // A wait that still stands (no notice since) is not offered again: the line already says it.
  const noticed = await lastNoticeAt(db, snapshot.lines.map((l) => l.orderLineId))
  for (const ls of snapshot.lines) {
    const c = chosen.get(ls.line.lineNo)
    const offer = offers.get(ls.line.lineNo)
    const since = noticed.get(ls.orderLineId)
    if (c?.wait && offer && !(since && since > c.at)) offers.set(ls.line.lineNo, { ...offer, wait: false })
  }
  return { orderId: snapshot.orderId, view: presentCustomerView(derived), timelines, chosen, offers }
}

/** Supplier signals on PO lines a switch replaced (the status ignores them; the story does not). */
async function earlierSignals(db: Queryable, lineIds: number[]): Promise<Map<number, SupplierSignal[]>> {
  const rows = await db.query<{ order_line_id: number; message_id: number; status: SupplierStatus; qty: number | null; expected_ship_date: string | null; received_at: Date; source: string }>(
    `SELECT p.order_line_id, s.message_id, s.status, s.qty, s.expected_ship_date::text AS expected_ship_date, s.received_at, s.source
       FROM supplier_signals s JOIN po_lines p ON p.po_line_id = s.po_line_id
      WHERE p.order_line_id = ANY($1::bigint[]) AND NOT p.active
      ORDER BY s.received_at, s.signal_id`,
    [lineIds],
  )
  const out = new Map<number, SupplierSignal[]>()
  for (const r of rows) {
    const list = out.get(r.order_line_id) ?? []
    list.push({ messageId: r.message_id, status: r.status, qty: r.qty, expectedShipDate: r.expected_ship_date, receivedAt: r.received_at, source: r.source })
    out.set(r.order_line_id, list)
  }
  return out
}

/** When each line's latest delay notice was made. */
async function lastNoticeAt(db: Queryable, lineIds: number[]): Promise<Map<number, Date>> {
  const rows = await db.query<{ order_line_id: number; at: Date }>(
    'SELECT order_line_id, max(created_at) AS at FROM delay_notices WHERE order_line_id = ANY($1::bigint[]) GROUP BY order_line_id', [lineIds])
  return new Map(rows.map((r) => [Number(r.order_line_id), new Date(r.at)]))
}

const WAITED = 'You chose to wait'

/** A recorded choice in the customer's words (a rep acting for them says so). */
function choiceEvent(c: ChoiceRow): { at: Date; title: string; detail: string | null } {
  const how = c.decidedBy === 'customer' ? null : 'Recorded by our customer service team at your request.'
  if (c.choice === 'wait') return { at: c.decidedAt, title: WAITED, detail: how }
  if (c.choice === 'cancel') return { at: c.decidedAt, title: 'You cancelled this item', detail: how ?? 'A refund is on its way.' }
  // The same SKU from another supplier is not a switch to the customer: the item is unchanged.
  if (c.sku === c.fromSku) return { at: c.decidedAt, title: 'You chose the same item from stock we found elsewhere', detail: how }
  return { at: c.decidedAt, title: `You switched to ${c.name ?? c.sku}`, detail: how }
}
