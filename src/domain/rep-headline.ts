/**
 * The order's headline for the rep: the same facts as the customer's, said about the customer's
 * order ("the customer's order is backordered — the supplier expects to ship it around …") and
 * pointing at what the rep can do, never "your order" or "we're sorry". Pure.
 */
import { formatDay, formatWindow } from './text.ts'
import type { Eta, IsoDate, LineState } from './types.ts'

export interface RepHeadlineLine {
  state: string
  quantities: Record<string, number>
  expectedShipDate: IsoDate | null
  reason: string | null
}

const whole = (lines: RepHeadlineLine[], state: string) =>
  lines.every((l) => Object.entries(l.quantities).every(([s, n]) => s === state || s === 'cancelled' || !n))

/** One sentence about the order in `state` (its most urgent line's), for the console. */
export function repHeadline(order: { state: LineState | string; eta: Eta | null; lines: RepHeadlineLine[] }): string {
  const live = order.lines.filter((l) => l.state !== 'cancelled')
  const subject = (s: string) => (whole(live, s) ? "The customer's order" : "Part of the customer's order")
  const arriving = order.eta ? `, arriving ${formatWindow(order.eta)}` : ''
  switch (order.state) {
    case 'exception': {
      const reason = live.find((l) => l.state === 'exception')?.reason
      return `A parcel of the customer's order has a delivery problem${reason ? ` (${reason})` : ''}: reship it, refund it or open a carrier claim.`
    }
    case 'backordered': {
      const dates = live.filter((l) => l.state === 'backordered').map((l) => l.expectedShipDate)
      const when = dates.every((d): d is string => d !== null)
        ? ` — the supplier expects to ship it around ${formatDay(dates.reduce((a, b) => (b > a ? b : a)))}`
        : ' — the supplier has given no ship date yet'
      return `${subject('backordered')} is backordered${when}.`
    }
    case 'unavailable':
      return `${subject('unavailable')} can no longer be supplied: offer the customer an alternative or cancel it.`
    case 'delayed':
      return `${subject('delayed')} is past its promised ship date with no word from the supplier.`
    case 'restocked':
      return `The backordered items of the customer's order are back in stock at the supplier${arriving}.`
    case 'processing':
      return `The customer's order is being prepared${arriving}.`
    case 'in_transit':
      return `The customer's order is on its way${arriving}.`
    case 'out_for_delivery':
      return "The customer's order is out for delivery."
    case 'delivered':
      return "The customer's order was delivered."
    default:
      return "The customer's order was cancelled."
  }
}
