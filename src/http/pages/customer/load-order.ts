import type { Queryable } from '../../../store/db.ts'
import { loadOrderSnapshot } from '../../../store/order-snapshot.ts'
import { deriveOrder, presentCustomerView, type OrderStatusView } from '../../../status/order-status.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { buildTimeline, type TimelineEvent } from '../../../domain/timeline.ts'
import type { Config } from '../../../config.ts'
import { listOrderChoices, type ChoiceRow } from '../../../store/choices-read.ts'

export interface CustomerOrder {
  orderId: number
  view: OrderStatusView
  timelines: Map<number, TimelineEvent[]>
}

/** The customer's view of an order with each line's story; null when there is no such order. */
export async function loadCustomerOrder(
  db: Queryable,
  orderNumber: string,
  opts: { now: Date; config: Pick<Config, 'holidays'> & Partial<Pick<Config, 'alternativesDelayDays'>> },
): Promise<CustomerOrder | null> {
  const snapshot = await loadOrderSnapshot(db, orderNumber)
  if (!snapshot) return null
  const calendar = await calendarFrom(db, opts.config)
  const derived = await deriveOrder(db, snapshot, { now: opts.now, calendar, alternativesDelayDays: opts.config.alternativesDelayDays })
  const choices = await listOrderChoices(db, snapshot.orderId)
  const timelines = new Map<number, TimelineEvent[]>()
  for (const ls of snapshot.lines) {
    const mine = choices.filter((c) => c.lineNo === ls.line.lineNo).map(choiceEvent)
    timelines.set(ls.line.lineNo, buildTimeline({ placedAt: snapshot.placedAt, qty: ls.line.qty, cancelledAt: ls.line.cancelledAt, signals: ls.signals, choices: mine }))
  }
  return { orderId: snapshot.orderId, view: presentCustomerView(derived), timelines }
}

/** A recorded choice in the customer's words (a rep acting for them says so). */
function choiceEvent(c: ChoiceRow): { at: Date; title: string; detail: string | null } {
  const how = c.decidedBy === 'customer' ? null : 'Recorded by our customer service team at your request.'
  if (c.choice === 'wait') return { at: c.decidedAt, title: 'You chose to wait', detail: how }
  if (c.choice === 'cancel') return { at: c.decidedAt, title: 'You cancelled this item', detail: how ?? 'A refund is on its way.' }
  return { at: c.decidedAt, title: `You switched to ${c.name ?? c.sku}`, detail: how }
}
