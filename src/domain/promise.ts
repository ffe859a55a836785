/**
 * The date a product page shows before the purchase (DESIGN.md "Before the purchase"): when the
 * product would ship and arrive if ordered today, from the suppliers' current stock and the same
 * rules an order's ETA follows (line-eta.ts). Pure: offers, history and "today" come in.
 * Never a made-up date: with no stock, no restock date and too little history, no window.
 */
import { addBusinessDays, addCalendarDays, transitFor } from './calendar.ts'
import { learnedEta, type Leg } from './estimate/forecast.ts'
import type { EtaModel } from './estimate/learn.ts'
import type { Place } from './estimate/lane.ts'
import type { CalendarConfig, EtaSource, IsoDate } from './types.ts'

/** One supplier's offer of the product, as the promise needs it. */
export interface PromiseOffer {
  supplierId: string
  /** Units on hand; null when the supplier has not said. */
  availableQty: number | null
  /** When the supplier expects stock again (846, offers CSV). */
  restockDate: IsoDate | null
  /** The offer's lead time, else the supplier's (business days). */
  leadTimeDays: number
  /** Calendar days the supplier's past backorders took to ship (line-eta's history), oldest irrelevant. */
  backorderDays: number[]
  /** Where the supplier ships from (the lane's start). */
  shipFrom?: Place | null
}

export interface PromiseInput {
  qty: number
  offers: PromiseOffer[]
  today: IsoDate
  calendar: CalendarConfig
  /** The learned model (src/domain/estimate): the same windows an order's lines get. Absent: the rules. */
  model?: EtaModel | null
  /** Where it would go. */
  to?: Place | null
}

export interface Window {
  earliest: IsoDate
  latest: IsoDate
}

export interface PromiseAnswer {
  inStock: boolean
  ship: Window | null
  arrive: (Window & { source: EtaSource; basis: string }) | null
}

const sortedSamples = (days: number[]) => days.filter((d) => Number.isFinite(d) && d >= 0).sort((a, b) => a - b)
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

/** Arrival = the ship window plus the usual transit (no lane learned yet: the store's default service). */
function arrival(ship: Window, source: EtaSource, why: string, cal: CalendarConfig): NonNullable<PromiseAnswer['arrive']> {
  const t = transitFor(null, cal)
  return {
    earliest: addBusinessDays(ship.earliest, t.min, cal),
    latest: addBusinessDays(ship.latest, t.max, cal),
    source,
    basis: `${why}; then ${t.min}–${t.max} business days in transit (the store's usual shipping time)`,
  }
}

/** The model's arrival window for an order placed today with this supplier, on `leg`; null to keep the rules. */
function learnedArrival(input: PromiseInput, o: PromiseOffer, leg: Leg): PromiseAnswer['arrive'] {
  const eta = learnedEta(input.model ?? null, leg, { today: input.today, calendar: input.calendar, supplier: o.supplierId, from: o.shipFrom ?? null, to: input.to ?? null })
  return eta ? { earliest: eta.earliest, latest: eta.latest, source: eta.source, basis: eta.basis } : null
}

/** The soonest of several candidate windows (by latest day, then earliest); null when none. */
function soonest<T extends { ship: Window }>(xs: T[]): T | null {
  return xs.reduce<T | null>((best, x) => (best === null || x.ship.latest < best.ship.latest ||
    (x.ship.latest === best.ship.latest && x.ship.earliest < best.ship.earliest) ? x : best), null)
}

/**
 * When `qty` units ordered today would ship and arrive. In stock somewhere: within that supplier's
 * lead time (`promise`). Else a supplier's restock date (`supplier`). Else that supplier's past
 * backorders, median to 90th percentile (`history`, 3 samples at least). Else nothing.
 */
export function promiseFor(input: PromiseInput): PromiseAnswer {
  const cal = input.calendar
  const offers = [...input.offers].sort((a, b) => (a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : 0))
  const stocked = offers.filter((o) => o.availableQty !== null && o.availableQty >= input.qty)
  if (stocked.length > 0) {
    const pick = soonest(stocked.map((o) => {
      const day = addBusinessDays(input.today, Math.max(0, Math.round(o.leadTimeDays)), cal)
      return { o, ship: { earliest: day, latest: day } }
    }))!
    const why = `in stock; ships within ${plural(pick.o.leadTimeDays, 'business day')} (the supplier's lead time)`
    const learned = learnedArrival(input, pick.o, { kind: 'handoff', start: input.today })
    return { inStock: true, ship: pick.ship, arrive: learned ?? arrival(pick.ship, 'promise', why, cal) }
  }
  const restocks = offers.filter((o) => o.restockDate !== null).map((o) => {
    const day = (o.restockDate! < input.today ? input.today : o.restockDate!) as IsoDate
    return { o, ship: { earliest: day, latest: day } }
  })
  const restock = soonest(restocks)
  if (restock) {
    const learned = learnedArrival(input, restock.o, { kind: 'stated', stated: restock.ship.latest })
    return { inStock: false, ship: restock.ship, arrive: learned ?? arrival(restock.ship, 'supplier', "out of stock; the supplier's restock date", cal) }
  }
  const fromModel = soonest(offers.flatMap((o) => {
    const a = learnedArrival(input, o, { kind: 'backorder', start: input.today })
    return a ? [{ ship: { earliest: a.earliest, latest: a.latest }, a }] : []
  }))
  if (fromModel) return { inStock: false, ship: null, arrive: fromModel.a }
  const learned = soonest(offers.flatMap((o) => {
    const samples = sortedSamples(o.backorderDays)
    if (samples.length < 3) return []
    const ship = { earliest: addCalendarDays(input.today, percentile(samples, 0.5)), latest: addCalendarDays(input.today, percentile(samples, 0.9)) }
    return [{ ship, n: samples.length }]
  }))
  if (learned) {
    const why = `out of stock; how long the supplier's last ${learned.n} backorders took to ship (median to 90th percentile)`
    return { inStock: false, ship: learned.ship, arrive: arrival(learned.ship, 'history', why, cal) }
  }
  return { inStock: false, ship: null, arrive: null }
}
