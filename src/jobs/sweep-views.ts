/**
 * The sweep writes the customer's view of every order it re-derives, so that the lookup after a
 * day of feeds (or after midnight) is one indexed read, not a derivation.
 */
import { alternativesForLines } from '../status/line-alternatives.ts'
import type { Queryable } from '../store/db.ts'
import type { LineSnapshot, OrderSnapshot } from '../store/order-snapshot.ts'
import type { LineStatus } from '../domain/line-state.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { deriveOrderStatus } from '../domain/order-status.ts'
import { customerViewRow, storeViews, type ViewRow } from '../status/view-cache.ts'

export interface ViewHead {
  order_id: number
  version: number
  order_number: string
  placed_at: Date
  email: string | null
  name: string | null
  postal_code: string | null
}

/**
 * The orders' versions and head fields. Read before their lines: a change that lands in between
 * moves the version on, and the view stored under the older one is simply not served.
 */
export async function readViewHeads(tx: Queryable, orderIds: number[]): Promise<Map<number, ViewHead>> {
  const rows = await tx.query<ViewHead>(
    `SELECT o.order_id, o.version, o.order_number, o.placed_at, c.email, c.name, o.postal_code
       FROM orders o JOIN customers c USING (customer_id) WHERE o.order_id = ANY($1::bigint[])`,
    [orderIds],
  )
  return new Map(rows.map((r) => [r.order_id, r]))
}

/** Every order's view from its lines' statuses (all lines of each order, derived at `now`), stored in one statement. */
export async function writeOrderViews(
  tx: Queryable,
  heads: Map<number, ViewHead>,
  lines: { ls: LineSnapshot; status: LineStatus }[],
  ctx: { now: Date; calendar: CalendarConfig },
): Promise<number> {
  const byOrder = new Map<number, { snapshot: LineSnapshot; status: LineStatus }[]>()
  for (const { ls, status } of lines) {
    const list = byOrder.get(ls.orderId) ?? []
    list.push({ snapshot: ls, status })
    byOrder.set(ls.orderId, list)
  }
  const orders = [...byOrder].filter(([orderId]) => heads.has(orderId))
  // The stored view carries the alternatives, as the lookup's cold path does: read for every line
  // of the batch in one statement (one per order made a day's sweep of open lines mostly that).
  const all = orders.flatMap(([, orderLines]) => orderLines)
  const alternatives = await alternativesForLines(tx, all, ctx)
  const altOf = new Map(all.map((l, i) => [l, alternatives[i]]))
  const rows: ViewRow[] = []
  for (const [orderId, orderLines] of orders) {
    const h = heads.get(orderId)!
    const snapshot: OrderSnapshot = {
      orderId, orderNumber: h.order_number, placedAt: h.placed_at, customerEmail: h.email, customerName: h.name, postalCode: h.postal_code,
      lines: orderLines.map((l) => l.snapshot),
    }
    const withAlternatives = orderLines.map((l) => ({ ...l, alternatives: altOf.get(l) ?? [] }))
    const derived = { snapshot, lines: withAlternatives, order: deriveOrderStatus(orderLines.map((l) => l.status)) }
    rows.push(customerViewRow(derived, h.version, ctx.now, ctx.calendar))
  }
  await storeViews(tx, rows, ctx.now)
  return rows.length
}
