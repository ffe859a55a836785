/**
 * The customer's one- or two-sentence explanation of a line. Plain words, real dates only,
 * and never a supplier's name, a PO number or a cost: the customer sees this verbatim.
 */
import { capitalize, formatDay, formatWindow, joinAnd, plural } from './text.ts'
import type { Eta, IsoDate, LineState } from './types.ts'

export interface ExplainInput {
  state: LineState
  quantities: Partial<Record<LineState, number>>
  qty: number
  eta: Eta | null
  promisedShipDate: IsoDate
  expectedShipDate: IsoDate | null
  reason: string | null
  today: IsoDate
  /** The carrier of the last-arriving parcels, when they all use one. */
  carrier: string | null
}

const be = (n: number): string => plural(n, 'is', 'are')

/** What a part of `n` units in a state is doing, as a verb phrase. */
const PREDICATE: Record<LineState, (n: number) => string> = {
  processing: (n) => `${be(n)} being prepared`,
  delayed: (n) => `${be(n)} running late`,
  backordered: (n) => `${be(n)} backordered`,
  restocked: (n) => `${be(n)} back in stock and being prepared for shipment`,
  unavailable: () => `can no longer be supplied`,
  in_transit: (n) => `${plural(n, 'has', 'have')} shipped`,
  out_for_delivery: (n) => `${be(n)} out for delivery`,
  delivered: (n) => `${plural(n, 'was', 'were')} delivered`,
  exception: (n) => `${plural(n, 'has', 'have')} a delivery problem`,
  cancelled: (n) => `${plural(n, 'was', 'were')} cancelled`,
}

// The order the other parts of a split line are listed in: furthest along first.
const SUMMARY_ORDER: LineState[] = [
  'delivered', 'out_for_delivery', 'in_transit', 'exception', 'processing',
  'restocked', 'delayed', 'backordered', 'unavailable', 'cancelled',
]

/** Words that finish the sentence about the last-arriving part, and any sentence after it. */
function tail(input: ExplainInput, n: number): string {
  const { eta, expectedShipDate } = input
  const it = plural(n, 'it', 'they')
  const them = plural(n, 'it', 'them')
  const arrive = eta ? ` and should arrive ${formatWindow(eta)}` : ''
  switch (input.state) {
    case 'processing':
    case 'in_transit':
      return `${input.state === 'in_transit' && input.carrier ? ` with ${input.carrier}` : ''}${arrive}.`
    case 'restocked':
      return eta ? `, and should arrive ${formatWindow(eta)}.` : '.'
    case 'out_for_delivery':
      return eta && eta.latest === input.today ? ' and should arrive today.' : `${arrive}.`
    case 'delivered':
      return eta ? ` on ${formatDay(eta.latest)}.` : '.'
    case 'delayed':
      return `. We're sorry — ${it} missed ${plural(n, 'its', 'their')} ship date of ${formatDay(input.promisedShipDate)}; ` +
        (expectedShipDate
          ? `${it} should now ship around ${formatDay(expectedShipDate)}.`
          : `we're checking with the supplier and will let you know as soon as we hear back.`)
    case 'backordered':
      return backorderTail(eta, expectedShipDate, it, them)
    case 'exception':
      return `.${input.reason ? ` The carrier reports: ${input.reason.trim().replace(/[.!\s]+$/, '')}.` : ''} We're looking into it.`
    case 'unavailable':
      return ". We're sorry for the trouble."
    default:
      return '.'
  }
}

/** A backorder's ETA: a supplier date, a learned window (said to be an estimate), or "unknown". */
function backorderTail(eta: Eta | null, expectedShipDate: IsoDate | null, it: string, them: string): string {
  if (expectedShipDate && eta) {
    return ` — we expect ${them} to ship around ${formatDay(expectedShipDate)} and arrive ${formatWindow(eta)}.`
  }
  if (eta) return `. Based on past restocks we expect ${them} to arrive ${formatWindow(eta)}, but this is an estimate.`
  // Never a date we do not have: the law asks us to say the new date is unknown.
  return `, and when ${it} will ship is not known yet. We'll let you know as soon as we hear.`
}

/** The parts other than the last-arriving one, e.g. "2 of 5 have shipped and 1 was cancelled". */
function summarizeOthers(input: ExplainInput): string {
  const others = SUMMARY_ORDER.filter((s) => s !== input.state && (input.quantities[s] ?? 0) > 0)
  return joinAnd(
    others.map((s, i) => {
      const n = input.quantities[s] ?? 0
      return `${i === 0 ? `${n} of ${input.qty}` : n} ${PREDICATE[s](n)}`
    }),
  )
}

/** One or two customer-facing sentences explaining the line's state. */
export function explainLine(input: ExplainInput): string {
  const n = input.quantities[input.state] ?? input.qty
  const lead = input.state === 'restocked' ? 'Good news: ' : ''
  const others = summarizeOthers(input)
  if (others === '') {
    const subject = input.qty === 1 ? 'your item' : `all ${input.qty} items`
    const start = lead ? `${lead}${subject}` : capitalize(subject)
    return `${start} ${PREDICATE[input.state](input.qty)}${tail(input, input.qty)}`
  }
  const rest = n === 1 ? 'the other one' : `the other ${n}`
  return `${lead}${others}; ${rest} ${PREDICATE[input.state](n)}${tail(input, n)}`
}
