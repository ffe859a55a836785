/**
 * An order's status from its lines' statuses: the most urgent state, one ETA for the whole
 * order, and a headline for the customer. Pure, and independent of the order of the lines.
 */
import { DomainError } from './errors.ts'
import type { LineStatus } from './line-state.ts'
import { formatDay, formatWindow } from './text.ts'
import { URGENCY, type Eta, type EtaSource, type LineState } from './types.ts'

export interface OrderStatus {
  state: LineState
  headline: string
  eta: Eta | null
}

// When two lines end on the same day, the order's ETA names the less certain source.
const SOURCE_CERTAINTY: Record<EtaSource, number> = { history: 0, supplier: 1, promise: 2, carrier: 3 }

/** Most urgent line state; cancelled lines count only when every line is cancelled. */
function mostUrgent(lines: LineStatus[]): LineState {
  const live = lines.filter((l) => l.state !== 'cancelled')
  if (live.length === 0) return 'cancelled'
  return URGENCY.find((s) => live.some((l) => l.state === s)) ?? live[0].state
}

/**
 * The window in which the last of these lines arrives; null when any undelivered line's ETA
 * is unknown (the order's ETA would be a guess) or when there is no line to go by.
 */
function combineEtas(lines: LineStatus[]): Eta | null {
  if (lines.length === 0) return null
  if (lines.some((l) => l.eta === null && l.state !== 'delivered')) return null
  const etas = lines.map((l) => l.eta).filter((e): e is Eta => e !== null)
  if (etas.length === 0) return null
  return etas.reduce((a, b) => {
    const bLater = b.latest > a.latest || (b.latest === a.latest && SOURCE_CERTAINTY[b.source] < SOURCE_CERTAINTY[a.source])
    return {
      earliest: b.earliest > a.earliest ? b.earliest : a.earliest,
      latest: bLater ? b.latest : a.latest,
      source: bLater ? b.source : a.source,
    }
  })
}

/** True when every unit not cancelled is in `state`, so the headline can say "your order". */
function wholeOrderIs(lines: LineStatus[], state: LineState): boolean {
  return lines.every((l) =>
    Object.entries(l.quantities).every(([s, n]) => s === state || s === 'cancelled' || !n),
  )
}

function backorderHeadline(lines: LineStatus[]): string {
  const subject = wholeOrderIs(lines, 'backordered') ? 'Your order is' : 'Part of your order is'
  const waiting = lines.filter((l) => l.state === 'backordered')
  const dates = waiting.map((l) => l.expectedShipDate)
  if (dates.every((d) => d !== null)) {
    const last = (dates as string[]).reduce((a, b) => (b > a ? b : a))
    return `${subject} backordered — we expect it to ship around ${formatDay(last)}.`
  }
  const eta = combineEtas(waiting)
  if (eta) return `${subject} backordered — we expect it to arrive ${formatWindow(eta)}.`
  return `${subject} backordered, and when it will ship is not known yet.`
}

function headlineFor(state: LineState, lines: LineStatus[], eta: Eta | null): string {
  const live = lines.filter((l) => l.state !== 'cancelled')
  const arrive = eta ? ` and should arrive ${formatWindow(eta)}` : ''
  const part = (s: LineState): string => (wholeOrderIs(live, s) ? 'Your order' : 'Part of your order')
  switch (state) {
    case 'exception':
      return "There is a problem with the delivery of your order — we're looking into it."
    case 'backordered':
      return backorderHeadline(live)
    case 'unavailable':
      return `${part(state)} can no longer be supplied — we're sorry.`
    case 'delayed':
      return `${part(state)} is running late — we're sorry, and we're checking on it.`
    case 'restocked':
      return `Good news: the backordered items in your order are back in stock${arrive}.`
    case 'processing':
      return `Your order is being prepared${arrive}.`
    case 'in_transit':
      return `Your order is on its way${arrive}.`
    case 'out_for_delivery':
      return `Your order is out for delivery${arrive}.`
    case 'delivered': {
      const last = combineEtas(live)
      return last ? `Your order was delivered on ${formatDay(last.latest)}.` : 'Your order was delivered.'
    }
    default:
      return 'Your order was cancelled.'
  }
}

/**
 * The order's state (its most urgent line's, DESIGN.md), its ETA (when the last line that can
 * still arrive will), and a one-sentence headline for the customer.
 */
export function deriveOrderStatus(lines: LineStatus[]): OrderStatus {
  if (lines.length === 0) throw new DomainError('ORDER_NO_LINES', 'an order needs at least one line')
  const state = mostUrgent(lines)
  const eta = combineEtas(lines.filter((l) => l.state !== 'cancelled' && l.state !== 'unavailable'))
  return { state, headline: headlineFor(state, lines, eta), eta }
}
