/**
 * What the Shopify client reads of an order before it acts on it (documents.ts `orderWork`), and
 * the small readings of it each call back makes: the hold's handle, the fulfillment order line
 * items that still hold a line's units, the tracking as Shopify takes it.
 */
import { createHash } from 'node:crypto'
import type { PlatformLineRef, Tracking } from '../platform.ts'

export interface OrderNode {
  id: string
  lineItems: { pageInfo?: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] }
}

export interface OrderWork {
  id: string
  cancelledAt: string | null
  fulfillmentOrders: {
    nodes: Array<{
      id: string
      status: string
      fulfillmentHolds: Array<{ id: string; handle: string | null; reason: string }>
      lineItems: { nodes: Array<{ id: string; totalQuantity: number; remainingQuantity: number; lineItem: { id: string } }> }
    }>
  }
  fulfillments: Array<{ id: string; trackingInfo: Array<{ number: string | null }> }>
  refunds: Array<{ id: string; note: string | null }>
}

/** A hold's handle: `wismo-` and a short digest of its call key (Shopify keeps handles short). */
export function handleOf(key: string): string {
  return `wismo-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`
}

/** The fulfillment order line items that still have units of the lines, in fulfillment orders of these statuses. */
export function lineItemsFor(order: OrderWork, lines: PlatformLineRef[], statuses: string[]) {
  const out: Array<{ fulfillmentOrderId: string; id: string; quantity: number }> = []
  for (const line of lines) {
    let left = line.qty
    for (const fo of order.fulfillmentOrders.nodes) {
      if (!statuses.includes(fo.status)) continue
      for (const n of fo.lineItems.nodes) {
        if (n.lineItem.id !== line.platformLineId || n.remainingQuantity <= 0 || left <= 0) continue
        const quantity = Math.min(left, n.remainingQuantity)
        out.push({ fulfillmentOrderId: fo.id, id: n.id, quantity })
        left -= quantity
      }
    }
  }
  return out
}

export function trackingInput(t: Tracking): Record<string, string> {
  const out: Record<string, string> = { number: t.number }
  if (t.carrier) out.company = t.carrier
  if (t.url) out.url = t.url
  return out
}
