import type { Queryable } from '../../../store/db.ts'
import { loadOrderSnapshot } from '../../../store/order-snapshot.ts'
import { deriveOrder, presentCustomerView, type OrderStatusView } from '../../../status/order-status.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { buildTimeline, type TimelineEvent } from '../../../domain/timeline.ts'
import type { Config } from '../../../config.ts'

export interface CustomerOrder {
  orderId: number
  view: OrderStatusView
  timelines: Map<number, TimelineEvent[]>
}

/** The customer's view of an order with each line's story; null when there is no such order. */
export async function loadCustomerOrder(
  db: Queryable,
  orderNumber: string,
  opts: { now: Date; config: Pick<Config, 'holidays'> },
): Promise<CustomerOrder | null> {
  const snapshot = await loadOrderSnapshot(db, orderNumber)
  if (!snapshot) return null
  const derived = await deriveOrder(db, snapshot, { now: opts.now, calendar: await calendarFrom(db, opts.config) })
  const timelines = new Map<number, TimelineEvent[]>()
  for (const ls of snapshot.lines) {
    timelines.set(ls.line.lineNo, buildTimeline({ placedAt: snapshot.placedAt, qty: ls.line.qty, cancelledAt: ls.line.cancelledAt, signals: ls.signals }))
  }
  return { orderId: snapshot.orderId, view: presentCustomerView(derived), timelines }
}
