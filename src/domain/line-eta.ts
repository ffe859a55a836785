/**
 * The ETA of a line's last-arriving part (DESIGN.md "ETA"). Every ETA names its source, and
 * none is invented: with no carrier estimate, supplier date, history or promise, it is null.
 */
import { addBusinessDays, addCalendarDays, localDay, nextBusinessDay, transitFor } from './calendar.ts'
import type { ShippedPart } from './line-parts.ts'
import { learnedEta, type Leg, type Situation } from './estimate/forecast.ts'
import type { EtaModel } from './estimate/learn.ts'
import { serviceLevel } from './service-level.ts'
import type { CalendarConfig, Eta, EtaSource, IsoDate, LineState, SupplierHistory } from './types.ts'

export interface EtaContext {
  today: IsoDate
  calendar: CalendarConfig
  history: SupplierHistory | null
  /** The learned model (src/domain/estimate); absent or null: the rules alone. */
  model?: EtaModel | null
  /** The line's supplier and lane, for the model. */
  supplierId?: string | null
  shipFrom?: Situation['from']
  shipTo?: Situation['to']
}

/** The model's window for a leg of this line, or null (no model, too little history). */
function learned(leg: Leg, ctx: EtaContext): Eta | null {
  if (!ctx.model) return null
  const eta = learnedEta(ctx.model, leg, { today: ctx.today, calendar: ctx.calendar, supplier: ctx.supplierId ?? null, from: ctx.shipFrom ?? null, to: ctx.shipTo ?? null })
  return eta ? { earliest: eta.earliest, latest: eta.latest, source: eta.source, basis: eta.basis } : null
}

/** What an unshipped part's ETA is computed from. */
export interface UnshippedEtaInput {
  state: LineState
  promisedShipDate: IsoDate
  expectedShipDate: IsoDate | null
  /** When the backorder began: the first backorder signal's day (or the order day, from stock). */
  backorderStartDay: IsoDate | null
  /** The day of the supplier's latest message, if any. */
  latestSignalDay: IsoDate | null
  /** The day the order was placed (paid), in the store's zone: where a learned hand-off starts. */
  orderDay?: IsoDate
  leadTimeDays: number
}

/** A part not yet delivered cannot arrive before today, however stale its estimate. */
export function clampToToday(eta: Eta, today: IsoDate): Eta {
  const earliest = eta.earliest < today ? today : eta.earliest
  return { ...eta, earliest, latest: eta.latest < earliest ? earliest : eta.latest }
}

/** Ship day + the service's transit business days, as a window. */
function afterTransit(shipDay: IsoDate, service: string | null, source: EtaSource, cal: CalendarConfig, carrier: string | null = null): Eta {
  const transit = transitFor(service, cal, carrier)
  return {
    earliest: addBusinessDays(shipDay, transit.min, cal),
    latest: addBusinessDays(shipDay, transit.max, cal),
    source,
  }
}

/** The parcels' combined ETA: the window in which the last of them arrives. */
function combine(etas: Eta[]): Eta | null {
  if (etas.length === 0) return null
  return etas.reduce((a, b) => ({
    earliest: b.earliest > a.earliest ? b.earliest : a.earliest,
    latest: b.latest > a.latest ? b.latest : a.latest,
    source: b.latest > a.latest ? b.source : a.source,
  }))
}

function etaForParcel(part: ShippedPart, ctx: EtaContext): Eta {
  const t = part.tracking
  if (t.status === 'delivered') {
    const day = t.lastEvent ? localDay(t.lastEvent.occurredAt, ctx.calendar) : ctx.today
    return { earliest: day, latest: day, source: 'carrier' }
  }
  if (t.estimatedDelivery) {
    return clampToToday({ earliest: t.estimatedDelivery, latest: t.estimatedDelivery, source: 'carrier' }, ctx.today)
  }
  // Out for delivery with no estimate: the carrier is delivering it today.
  if (t.status === 'out_for_delivery') return { earliest: ctx.today, latest: ctx.today, source: 'carrier' }
  const shipDay = localDay(t.shippedAt, ctx.calendar)
  const fromModel = learned({ kind: 'shipped', ship: shipDay, level: serviceLevel(part.carrierCode, part.service) }, ctx)
  if (fromModel) return fromModel
  return clampToToday(afterTransit(localDay(t.shippedAt, ctx.calendar), part.service, 'carrier', ctx.calendar, part.carrierCode), ctx.today)
}

/** ETA of the parcels in `state` (pre_transit parcels count as in transit). */
export function etaForShipped(parts: ShippedPart[], state: LineState, ctx: EtaContext): Eta | null {
  const inState = parts.filter((p) => p.tracking.qty > 0 && shippedState(p.tracking.status) === state)
  return combine(inState.map((p) => etaForParcel(p, ctx)))
}

/** The line state of a carrier status. */
export function shippedState(status: ShippedPart['tracking']['status']): LineState {
  return status === 'pre_transit' ? 'in_transit' : status
}

/** Nearest-rank percentile of sorted numbers (p in 0..1). */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
}

/**
 * A window learned from the supplier's past backorders: start + median .. start + 90th
 * percentile calendar days to ship, then transit. Fewer than 3 samples say too little.
 */
export function historyWindow(history: SupplierHistory | null, startDay: IsoDate, cal: CalendarConfig): Eta | null {
  const samples = (history?.backorderDays ?? []).filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b)
  if (samples.length < 3) return null
  const transit = transitFor(null, cal)
  return {
    earliest: addBusinessDays(addCalendarDays(startDay, percentile(samples, 0.5)), transit.min, cal),
    latest: addBusinessDays(addCalendarDays(startDay, percentile(samples, 0.9)), transit.max, cal),
    source: 'history',
  }
}

/** Backordered or restocked: the supplier's date, else history, else (restocked only) lead time. */
function etaForBackorder(input: UnshippedEtaInput, ctx: EtaContext): Eta | null {
  const cal = ctx.calendar
  if (input.expectedShipDate) return learned({ kind: 'stated', stated: input.expectedShipDate }, ctx) ?? afterTransit(input.expectedShipDate, null, 'supplier', cal)
  const fromModel = input.backorderStartDay && input.state === 'backordered' ? learned({ kind: 'backorder', start: input.backorderStartDay }, ctx) : null
  if (fromModel) return fromModel
  const fromHistory = input.backorderStartDay ? historyWindow(ctx.history, input.backorderStartDay, cal) : null
  if (fromHistory) return fromHistory
  if (input.state === 'restocked' && input.latestSignalDay) {
    // Back in stock: it ships within the supplier's usual lead time from when it said so.
    return afterTransit(addBusinessDays(input.latestSignalDay, input.leadTimeDays, cal), null, 'supplier', cal)
  }
  return null
}

/** The supplier's learned hand-off from the order day (DESIGN.md "ETA": processing / delayed). */
function handedOff(input: UnshippedEtaInput, ctx: EtaContext): Eta | null {
  return input.orderDay ? learned({ kind: 'handoff', start: input.orderDay }, ctx) : null
}

/** ETA of the unshipped part in `input.state`; null for unavailable/cancelled or when unknown. */
export function etaForUnshipped(input: UnshippedEtaInput, ctx: EtaContext): Eta | null {
  const cal = ctx.calendar
  let eta: Eta | null = null
  if (input.state === 'backordered' || input.state === 'restocked') eta = etaForBackorder(input, ctx)
  else if (input.state === 'processing') {
    // A supplier that already named a later ship date beats the promise: no ETA we know is wrong.
    const later = input.expectedShipDate !== null && input.expectedShipDate > input.promisedShipDate
    eta = later
      ? learned({ kind: 'stated', stated: input.expectedShipDate as IsoDate }, ctx) ?? afterTransit(input.expectedShipDate as IsoDate, null, 'supplier', cal)
      : handedOff(input, ctx) ?? afterTransit(input.promisedShipDate, null, 'promise', cal)
  }
  else if (input.state === 'delayed') {
    // Past its promise with no supplier date, the soonest it can ship is the next business day.
    eta = input.expectedShipDate
      ? learned({ kind: 'stated', stated: input.expectedShipDate }, ctx) ?? afterTransit(input.expectedShipDate, null, 'supplier', cal)
      : handedOff(input, ctx) ?? afterTransit(nextBusinessDay(ctx.today, cal), null, 'promise', cal)
  }
  return eta ? clampToToday(eta, ctx.today) : null
}

