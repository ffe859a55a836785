/**
 * Line state derivation (DESIGN.md "Line states"): signals in, one status out. Pure: `now` is
 * an argument, and the order of the signal arrays never changes the result.
 */
import { addBusinessDays, localDay } from './calendar.ts'
import { applicableTime } from './applicable-time.ts'
import { DomainError } from './errors.ts'
import { explainLine } from './explain.ts'
import { etaForShipped, etaForUnshipped, shippedState, type EtaContext } from './line-eta.ts'
import type { EtaModel } from './estimate/learn.ts'
import {
  collectShippedParts,
  latestExpectedShipDate,
  readSupplierWord,
  splitUnshipped,
  type ShippedPart,
  type SupplierWord,
  type UnshippedSplit,
} from './line-parts.ts'
import type {
  CalendarConfig,
  CarrierEvent,
  CarrierStatus,
  Eta,
  IsoDate,
  Line,
  LineSignals,
  LineState,
  OfferSnapshot,
  Resolution,
  SupplierHistory,
} from './types.ts'

/** One parcel of the line. */
export interface TrackingPart {
  carrier: string | null
  number: string
  status: CarrierStatus
  /** Units of the line counted in this parcel: 0 when earlier parcels already cover the line. */
  qty: number
  shippedAt: Date
  lastEvent: CarrierEvent | null
  estimatedDelivery: IsoDate | null
}

export interface LineStatus {
  state: LineState
  /** Units per state; sums to line.qty. */
  quantities: Partial<Record<LineState, number>>
  promisedShipDate: IsoDate
  /** The legal applicable time (16 CFR 435; see applicable-time.ts): the stated date, else payment + 30/50 days. */
  applicableDate: IsoDate
  /** The supplier's word for the unshipped part, if any. */
  expectedShipDate: IsoDate | null
  eta: Eta | null
  tracking: TrackingPart[]
  resolution: Resolution
  /** For the customer, in plain words. */
  explanation: string
  /** For the rep: the carrier's exception message, a rejection or hold, etc. */
  reason: string | null
}

export interface DeriveContext {
  now: Date
  calendar: CalendarConfig
  history: SupplierHistory | null
  /** The learned ETA model (src/domain/estimate); absent or null: the rules alone. */
  model?: EtaModel | null
}

/** Latest-arriving first: a line's state is that of its part that arrives last. */
const ARRIVAL_ORDER: LineState[] = [
  'unavailable', 'backordered', 'delayed', 'restocked', 'processing',
  'exception', 'in_transit', 'out_for_delivery', 'delivered',
]
const SHIPPED_STATES: LineState[] = ['exception', 'in_transit', 'out_for_delivery', 'delivered']

/**
 * The order's promised ship date, else the order day (in the store's zone: 22:00 in New York is
 * not "tomorrow") + the supplier's lead time in business days.
 */
export function promisedShipDate(line: Line, cal: CalendarConfig): IsoDate {
  return line.promisedShipDate ?? addBusinessDays(localDay(line.placedAt, cal), line.leadTimeDays, cal)
}

/** Units the retailer cancelled: all of them when no quantity is given. */
function cancelledByRetailer(line: Line): number {
  if (!line.cancelledAt) return 0
  if (line.cancelledQty === null || line.cancelledQty >= line.qty) return line.qty
  return Math.max(0, line.cancelledQty)
}

function countQuantities(shipped: ShippedPart[], split: UnshippedSplit, lineCancelled: number, late: boolean) {
  const q: Partial<Record<LineState, number>> = {}
  const add = (state: LineState, n: number): void => {
    if (n > 0) q[state] = (q[state] ?? 0) + n
  }
  add('cancelled', lineCancelled + split.cancelled)
  for (const p of shipped) add(shippedState(p.tracking.status), p.tracking.qty)
  add('unavailable', split.unavailable)
  add('backordered', split.backordered)
  add('restocked', split.restocked)
  add(late ? 'delayed' : 'processing', split.pending)
  return q
}

function lastArriving(quantities: Partial<Record<LineState, number>>): LineState {
  return ARRIVAL_ORDER.find((s) => (quantities[s] ?? 0) > 0) ?? 'cancelled'
}

/** The supplier's date for what has not shipped: its latest message, else the offer's restock date for a backorder. */
function expectedDate(word: SupplierWord, split: UnshippedSplit, offer: OfferSnapshot | null): IsoDate | null {
  if (split.backordered + split.restocked + split.pending === 0) return null
  return latestExpectedShipDate(word) ?? (split.backordered > 0 ? offer?.restockDate ?? null : null)
}

/** Why the line is where it is, for the rep (no code is given by the signal, so its source is named). */
function reasonFor(state: LineState, shipped: ShippedPart[], word: SupplierWord): string | null {
  if (state === 'exception') {
    const events = shipped.filter((p) => p.tracking.status === 'exception' && p.tracking.qty > 0)
    return events.map((p) => p.tracking.lastEvent?.message).find((m) => m) ?? null
  }
  const signals = [...(word.latest?.signals ?? [])].sort((a, b) => a.source.localeCompare(b.source))
  const said = (status: string) => signals.find((s) => s.status === status)
  const rejected = said('rejected')
  if (state === 'unavailable' && rejected) return `rejected by the supplier (${rejected.source})`
  const cancelled = said('cancelled')
  if (state === 'cancelled' && cancelled) return `cancelled by the supplier (${cancelled.source})`
  const held = said('on_hold')
  if ((state === 'processing' || state === 'delayed') && held) return `on hold at the supplier (${held.source})`
  return null
}

function resolve(state: LineState, everBackordered: boolean): Resolution {
  if (state === 'backordered') return 'ugly'
  if (state === 'restocked') return 'intermediate'
  if (state === 'in_transit' || state === 'out_for_delivery' || state === 'delivered') {
    return everBackordered ? 'intermediate' : 'easy'
  }
  return null
}

/** The carrier name to show for the parcels in `state`, when they all travel with one. */
function carrierOf(shipped: ShippedPart[], state: LineState): string | null {
  const names = new Set(shipped.filter((p) => p.tracking.qty > 0 && shippedState(p.tracking.status) === state).map((p) => p.tracking.carrier))
  return names.size === 1 ? [...names][0] : null
}

/** The parcels that can be followed: an untracked part counts in the quantities, but has no number to show. */
function trackedParcels(shipped: ShippedPart[]): TrackingPart[] {
  return shipped.flatMap((p) => (p.tracking.number === null ? [] : [{ ...p.tracking, number: p.tracking.number }]))
}

function assertLine(line: Line): void {
  if (!Number.isInteger(line.qty) || line.qty < 1) {
    throw new DomainError('LINE_QTY_INVALID', `line ${line.lineNo}: quantity must be a whole number ≥ 1, got ${line.qty}`)
  }
}

/**
 * Derives a line's status at `ctx.now`: quantities per state (shipped parcels, then the
 * supplier's latest word on the rest), the state of the part that arrives last, its ETA,
 * and the words for the customer.
 */
export function deriveLineStatus(line: Line, signals: LineSignals, ctx: DeriveContext): LineStatus {
  assertLine(line)
  const cal = ctx.calendar
  const today = localDay(ctx.now, cal)
  const promised = promisedShipDate(line, cal)
  const lineCancelled = cancelledByRetailer(line)
  const shipped = collectShippedParts(signals, line.qty - lineCancelled)
  const shippedQty = shipped.reduce((sum, p) => sum + p.tracking.qty, 0)
  const word = readSupplierWord(signals.supplierSignals, line.qty, cal)
  const split = splitUnshipped(line.qty - lineCancelled - shippedQty, lineCancelled, word, signals.offer)
  const quantities = countQuantities(shipped, split, lineCancelled, today > promised)
  const state = lastArriving(quantities)
  const expectedShipDate = expectedDate(word, split, signals.offer)
  const etaCtx: EtaContext = {
    today, calendar: cal, history: ctx.history, model: ctx.model ?? null,
    supplierId: line.supplierId, shipFrom: line.shipFrom ?? null, shipTo: line.shipTo ?? null,
  }
  // A parcel with a delivery problem (damaged, lost, refused) has no arrival date anyone can stand
  // behind until the carrier or a reship gives a new one: no "arrives by" for it.
  const eta = state === 'exception'
    ? null
    : SHIPPED_STATES.includes(state)
    ? etaForShipped(shipped, state, etaCtx)
    : etaForUnshipped({
        state,
        promisedShipDate: promised,
        expectedShipDate,
        backorderStartDay: word.firstBackorderDay ?? (split.backorderedFromStock ? localDay(line.placedAt, cal) : null),
        latestSignalDay: word.latest ? localDay(word.latest.receivedAt, cal) : null,
        leadTimeDays: line.leadTimeDays,
        orderDay: localDay(line.paidAt ?? line.placedAt, cal),
      }, etaCtx)
  const reason = reasonFor(state, shipped, word)
  const explanation = explainLine({
    state, quantities, qty: line.qty, eta, promisedShipDate: promised, expectedShipDate, reason, today,
    carrier: carrierOf(shipped, state),
  })
  const everBackordered = word.everBackordered || split.backorderedFromStock
  return {
    state, quantities, promisedShipDate: promised, applicableDate: applicableTime(line, cal).date, expectedShipDate, eta,
    tracking: trackedParcels(shipped), resolution: resolve(state, everBackordered), explanation, reason,
  }
}
