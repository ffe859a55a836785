/**
 * Splitting one line's quantity into parts: what shipped (per tracking number) and what the
 * supplier says about the rest. Every choice here is independent of array order, so the same
 * signals always give the same split.
 */
import { localDay } from './calendar.ts'
import type { TrackingPart } from './line-state.ts'
import type {
  CalendarConfig,
  CarrierEvent,
  CarrierStatus,
  IsoDate,
  LineSignals,
  OfferSnapshot,
  Shipment,
  SupplierSignal,
  TrackerView,
} from './types.ts'

/**
 * A parcel of the line (its public tracking part plus what the ETA needs), or the line's
 * untracked part: what shipped without a number (`number` null), which counts as in transit
 * but has no parcel to show or follow.
 */
export interface ShippedPart {
  tracking: Omit<TrackingPart, 'number'> & { number: string | null }
  service: string | null
  /** The carrier as the feed named it (a SCAC): what the service level is read from. */
  carrierCode: string | null
}

/** The name to show for a shipment's carrier (see Shipment.carrierName). */
const shownCarrier = (s: Shipment): string | null => (s.carrierName !== undefined ? s.carrierName : s.carrier)

/** One supplier message's signals for this line (shipped signals left out: they become shipments). */
export interface SupplierMessage {
  id: number
  receivedAt: Date
  signals: SupplierSignal[]
}

/** What the supplier has said, reduced to what state derivation needs. */
export interface SupplierWord {
  latest: SupplierMessage | null
  /** Units backordered by an earlier message (null qty counts as the whole line); 0 if none. */
  earlierBackorderedQty: number
  everBackordered: boolean
  firstBackorderDay: IsoDate | null
}

/** The unshipped remainder, split by what the supplier (or its stock) says. */
export interface UnshippedSplit {
  cancelled: number
  unavailable: number
  backordered: number
  restocked: number
  /** Accepted or unacknowledged: processing or delayed, decided by the promise. */
  pending: number
  backorderedFromStock: boolean
}

// Ties on occurredAt go to the more advanced status; delivered is final, so it ranks last.
const CARRIER_RANK: Record<CarrierStatus, number> = {
  pre_transit: 0,
  in_transit: 1,
  out_for_delivery: 2,
  exception: 3,
  delivered: 4,
}

/** Total order on carrier events (earlier first) so ties never depend on input order. */
function compareEvents(a: CarrierEvent, b: CarrierEvent): number {
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    CARRIER_RANK[a.status] - CARRIER_RANK[b.status] ||
    (a.estimatedDelivery ?? '').localeCompare(b.estimatedDelivery ?? '') ||
    (a.message ?? '').localeCompare(b.message ?? '') ||
    (a.location ?? '').localeCompare(b.location ?? '') ||
    (a.carrier ?? '').localeCompare(b.carrier ?? '')
  )
}

/**
 * A parcel's state: the aggregator's reconciled view when there is one (it has weighed the
 * carrier's scans, whose clocks and zones disagree), else the latest scan — except that a
 * delivered scan ends the story even when a scan stamped later says otherwise (EasyPost's own
 * sample delivers before its out-for-delivery scan).
 */
export function parcelStatus(events: CarrierEvent[], tracker: TrackerView | null): CarrierStatus {
  if (tracker) return tracker.status
  if (events.some((e) => e.status === 'delivered')) return 'delivered'
  return lastOf(events, compareEvents)?.status ?? 'in_transit'
}

function lastOf<T>(items: T[], compare: (a: T, b: T) => number): T | null {
  return items.reduce<T | null>((best, x) => (best === null || compare(x, best) > 0 ? x : best), null)
}

/** Shipments under one tracking number are one parcel to the customer: merge them. */
function mergeByTracking(shipments: Shipment[]): Shipment[] {
  // A total order, so which shipment's carrier/service wins never depends on input order.
  const sorted = [...shipments].sort(
    (a, b) =>
      a.shippedAt.getTime() - b.shippedAt.getTime() ||
      (a.trackingNumber ?? '').localeCompare(b.trackingNumber ?? '') ||
      a.qty - b.qty ||
      (a.carrier ?? '').localeCompare(b.carrier ?? '') ||
      (a.service ?? '').localeCompare(b.service ?? ''),
  )
  // Shipments without a number merge into one untracked part.
  const byNumber = new Map<string | null, Shipment>()
  for (const s of sorted) {
    const seen = byNumber.get(s.trackingNumber)
    if (!seen) byNumber.set(s.trackingNumber, { ...s, carrierName: shownCarrier(s) })
    else Object.assign(seen, { qty: seen.qty + s.qty, carrier: seen.carrier ?? s.carrier, carrierName: seen.carrierName ?? shownCarrier(s), service: seen.service ?? s.service, replaced: seen.replaced || s.replaced })
  }
  return [...byNumber.values()]
}

/**
 * One part per tracking number, oldest shipment first, each counted up to what is left of
 * `capacity` (the line's quantity less cancellations): a repeated or over-counted ship notice
 * must not ship more than was ordered. Parcels beyond it keep their tracking with qty 0; a parcel
 * replaced by a reship is counted after all the others.
 */
export function collectShippedParts(signals: LineSignals, capacity: number): ShippedPart[] {
  let left = Math.max(0, capacity)
  const parcels = mergeByTracking(signals.shipments)
  // A parcel replaced by a reship is counted last: once the replacement ships it takes the units.
  const counted = new Map<Shipment, number>()
  for (const s of [...parcels.filter((p) => !p.replaced), ...parcels.filter((p) => p.replaced)]) {
    const qty = Math.min(left, Math.max(0, s.qty))
    left -= qty
    counted.set(s, qty)
  }
  return parcels.map((s) => {
    const tracked = s.trackingNumber !== null
    const events = tracked ? signals.carrierEvents.filter((e) => e.trackingNumber === s.trackingNumber) : []
    const tracker = tracked ? ((signals.trackers ?? []).find((t) => t.trackingNumber === s.trackingNumber) ?? null) : null
    const status = parcelStatus(events, tracker)
    // The scan that says what the parcel's state says (its delivery day), else the latest scan.
    const last = lastOf(events.filter((e) => e.status === status), compareEvents) ?? lastOf(events, compareEvents)
    const lastEstimate = lastOf(events.filter((e) => e.estimatedDelivery !== null), compareEvents)
    const qty = counted.get(s) ?? 0
    const tracking: ShippedPart['tracking'] = {
      carrier: shownCarrier(s) ?? last?.carrier ?? null,
      number: s.trackingNumber,
      status,
      qty,
      shippedAt: s.shippedAt,
      lastEvent: last,
      estimatedDelivery: lastEstimate?.estimatedDelivery ?? null,
    }
    return { tracking, service: s.service, carrierCode: s.carrier ?? last?.carrier ?? null }
  })
}

function compareMessages(a: SupplierMessage, b: SupplierMessage): number {
  return a.receivedAt.getTime() - b.receivedAt.getTime() || a.id - b.id
}

/** Groups non-shipped signals by message; a message is as recent as its latest signal. */
function groupMessages(signals: SupplierSignal[]): SupplierMessage[] {
  const byId = new Map<number, SupplierMessage>()
  for (const s of signals) {
    if (s.status === 'shipped') continue
    const m = byId.get(s.messageId) ?? { id: s.messageId, receivedAt: s.receivedAt, signals: [] }
    if (s.receivedAt > m.receivedAt) m.receivedAt = s.receivedAt
    m.signals.push(s)
    byId.set(s.messageId, m)
  }
  return [...byId.values()].sort(compareMessages)
}

/** Sum of a status's quantities in a message; a null quantity means "all of it" (Infinity). */
export function claimed(message: SupplierMessage | null, statuses: SupplierSignal['status'][]): number {
  if (!message) return 0
  return message.signals
    .filter((s) => statuses.includes(s.status))
    .reduce((sum, s) => sum + (s.qty === null ? Infinity : Math.max(0, s.qty)), 0)
}

/** Reads the supplier's current word (latest message) and what it said before. */
export function readSupplierWord(signals: SupplierSignal[], lineQty: number, cal: CalendarConfig): SupplierWord {
  const messages = groupMessages(signals)
  const latest = messages.length > 0 ? messages[messages.length - 1] : null
  const earlier = messages.slice(0, -1)
  const earlierBackorderedQty = Math.min(lineQty, Math.max(0, ...earlier.map((m) => claimed(m, ['backordered']))))
  const backorders = signals.filter((s) => s.status === 'backordered')
  const first = lastOf(backorders, (a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())
  return {
    latest,
    earlierBackorderedQty,
    everBackordered: backorders.length > 0,
    firstBackorderDay: first ? localDay(first.receivedAt, cal) : null,
  }
}

/**
 * Splits the unshipped remainder. The latest message's claims are filled in order of how late
 * they leave the customer (cancelled, rejected, backordered, then accepted): units that already
 * shipped came out of the accepted part, so a BP "3 accepted, 2 backordered" with 3 shipped
 * leaves 2 backordered, not 2 accepted. Whatever the message does not mention is pending.
 * `lineCancelled` units were cancelled by the retailer: a supplier's cancel confirmation
 * covers those same units and must not cancel as many again.
 */
export function splitUnshipped(remainder: number, lineCancelled: number, word: SupplierWord, offer: OfferSnapshot | null): UnshippedSplit {
  let left = Math.max(0, remainder)
  const take = (n: number): number => {
    const got = Math.min(left, Math.max(0, n))
    left -= got
    return got
  }
  const latest = word.latest
  const cancelled = take(claimed(latest, ['cancelled']) - lineCancelled)
  const unavailable = take(claimed(latest, ['rejected']))
  const backorderClaim = claimed(latest, ['backordered'])
  let backordered = take(backorderClaim)
  // Units backordered before and no longer reported backordered are back in stock.
  const restocked = latest && backorderClaim !== Infinity ? take(word.earlierBackorderedQty - backorderClaim) : 0
  let backorderedFromStock = false
  if (!latest && offer?.availableQty === 0 && left > 0) {
    // Never acknowledged and the supplier's stock is 0: it cannot ship yet.
    backordered += take(left)
    backorderedFromStock = true
  }
  return { cancelled, unavailable, backordered, restocked, pending: left, backorderedFromStock }
}

/** The supplier's expected ship date in its latest message: the latest one it gave, so order never matters. */
export function latestExpectedShipDate(word: SupplierWord): IsoDate | null {
  const dates = (word.latest?.signals ?? []).map((s) => s.expectedShipDate).filter((d): d is IsoDate => d !== null)
  return dates.length > 0 ? dates.reduce((a, b) => (b > a ? b : a)) : null
}
