/**
 * Alternatives for a line that will not ship soon (DESIGN.md "Alternatives"): the same SKU from
 * another supplier, another color or size of the same family (`variant`), or a confirmed
 * equivalent of another brand (`equivalent`). Pure: candidates and "today" come in, a ranked
 * list goes out, and the order of the input rows never changes the answer.
 *
 * Sizes: a family's sizes are fitted (a shoe, a shirt) unless its products say they are
 * interchangeable (a pack, a length). In a fitted family only the ordered size is offered — a
 * size-8 boot buyer never sees sizes 10–12 — and a confirmed equivalent must be the same size too.
 */
import { addBusinessDays, calendarDays, transitFor } from './calendar.ts'
import type { CalendarConfig, Eta, IsoDate, LineState } from './types.ts'

export const ALTERNATIVE_KINDS = ['other_supplier', 'variant', 'equivalent'] as const
export type AlternativeKind = (typeof ALTERNATIVE_KINDS)[number]

/** A catalog product, as the finder needs it. */
export interface CandidateProduct {
  sku: string
  name: string
  brand: string | null
  family: string | null
  color: string | null
  size: string | null
  price: number | null
}

/** One supplier's offer of a candidate SKU. */
export interface CandidateOffer {
  supplierId: string
  supplierName: string | null
  sku: string
  availableQty: number | null
  /** The offer's lead time, else the supplier's (business days). */
  leadTimeDays: number
  cost: number | null
}

export interface FinderLine {
  sku: string
  supplierId: string | null
  /** Units still to come (not shipped, not cancelled): what an alternative must cover. */
  openQty: number
  /** What the customer paid per unit. */
  unitPrice: number | null
  family: string | null
  color: string | null
  size: string | null
  /** The ordered product's family sells sizes that stand in for each other (packs, lengths). */
  sizeInterchangeable: boolean
  state: LineState
  eta: Eta | null
}

export interface FinderInput {
  line: FinderLine
  products: CandidateProduct[]
  offers: CandidateOffer[]
  /** SKUs confirmed equivalent to the line's SKU (either way round). */
  equivalents: string[]
  /** Units already promised to accepted switches, by `supplierId|sku`. */
  reserved: ReadonlyMap<string, number>
  today: IsoDate
  calendar: CalendarConfig
  /** At most this many (default 5). */
  limit?: number
}

export interface Alternative {
  kind: AlternativeKind
  sku: string
  name: string
  supplierId: string
  supplierName: string | null
  cost: number | null
  /** The day the supplier would ship it: its lead time on the business calendar from today. */
  shipDate: IsoDate
  /** The day it would arrive: the ship day plus transit. */
  eta: IsoDate
  /** Calendar days sooner than the line's current ETA; null when that ETA is unknown. */
  daysSooner: number | null
  /** Per unit: the alternative's price minus the line's unit price (0 for the same SKU). */
  priceDelta: number
  /** Another size than the ordered one: only ever in a family whose sizes are interchangeable. */
  otherSize: boolean
}

/** States whose lines get alternatives (a `delayed` line only past the configured days, see `needsAlternatives`). */
export const ALTERNATIVE_STATES: readonly LineState[] = ['backordered', 'unavailable', 'delayed']

/**
 * True when the line should be offered alternatives: backordered, unavailable, or delayed past
 * its promise by more than `delayDays` business days, with units still to come.
 */
export function needsAlternatives(
  line: { state: LineState; openQty: number; promisedShipDate: IsoDate },
  today: IsoDate,
  delayDays: number,
  cal: CalendarConfig,
): boolean {
  if (line.openQty <= 0) return false
  if (line.state === 'backordered' || line.state === 'unavailable') return true
  return line.state === 'delayed' && addBusinessDays(line.promisedShipDate, delayDays, cal) < today
}

const cents = (n: number) => Math.round(n * 100) / 100
/** Units of the line not shipped and not cancelled. */
export function openQuantity(quantities: Partial<Record<LineState, number>>): number {
  const open: LineState[] = ['processing', 'delayed', 'backordered', 'restocked', 'unavailable']
  return open.reduce((n, s) => n + (quantities[s] ?? 0), 0)
}

export const reservationKey = (supplierId: string, sku: string) => `${supplierId}|${sku}`

/** Sizes differ only when both are known: a product without a size fits any. */
const otherSizeThan = (line: FinderLine, p: CandidateProduct) => line.size !== null && p.size !== null && p.size !== line.size

function kindOf(line: FinderLine, p: CandidateProduct, offer: CandidateOffer, equivalents: Set<string>): AlternativeKind | null {
  if (p.sku === line.sku) return offer.supplierId === line.supplierId ? null : 'other_supplier'
  // A fitted size is never swapped, whether for a variant or another brand's equivalent.
  if (otherSizeThan(line, p) && !line.sizeInterchangeable) return null
  if (line.family !== null && p.family === line.family) return 'variant'
  return equivalents.has(p.sku) ? 'equivalent' : null
}

/** The alternative's ship day (after the lead time) and arrival (then the longest default transit). */
function arrivalOf(offer: CandidateOffer, today: IsoDate, cal: CalendarConfig): { shipDate: IsoDate; eta: IsoDate } {
  const shipDate = addBusinessDays(today, Math.max(0, Math.round(offer.leadTimeDays)), cal)
  return { shipDate, eta: addBusinessDays(shipDate, transitFor(null, cal).max, cal) }
}

/**
 * Same SKU first; then the ordered size (its other colors, a same-size equivalent) before other
 * sizes; then soonest, cheapest to the customer, by SKU; for one SKU the cheaper supplier, then
 * by id. The size step sits above ETA on purpose: a pack of 20 arriving a day sooner should not
 * push the ordered pack of 10 in another color down the list.
 */
export function compareAlternatives(a: Alternative, b: Alternative): number {
  const same = (x: Alternative) => (x.kind === 'other_supplier' ? 0 : 1)
  return (
    same(a) - same(b) ||
    Number(a.otherSize) - Number(b.otherSize) ||
    (a.eta < b.eta ? -1 : a.eta > b.eta ? 1 : 0) ||
    a.priceDelta - b.priceDelta ||
    (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0) ||
    (a.cost ?? Number.MAX_VALUE) - (b.cost ?? Number.MAX_VALUE) ||
    (a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : 0)
  )
}

function candidateFor(input: FinderInput, p: CandidateProduct, offer: CandidateOffer, equivalents: Set<string>): Alternative | null {
  const { line, today, calendar } = input
  const kind = kindOf(line, p, offer, equivalents)
  if (!kind) return null
  const free = (offer.availableQty ?? 0) - (input.reserved.get(reservationKey(offer.supplierId, offer.sku)) ?? 0)
  if (offer.availableQty === null || free < line.openQty) return null
  // A price difference we cannot state is not offered: the customer must know what it costs.
  if (kind !== 'other_supplier' && (p.price === null || line.unitPrice === null)) return null
  const { shipDate, eta } = arrivalOf(offer, today, calendar)
  const daysSooner = line.eta ? calendarDays(eta, line.eta.latest) : null
  if (daysSooner !== null && daysSooner <= 0) return null
  return {
    kind, sku: p.sku, name: p.name, supplierId: offer.supplierId, supplierName: offer.supplierName, cost: offer.cost, shipDate, eta, daysSooner,
    priceDelta: kind === 'other_supplier' ? 0 : cents((p.price as number) - (line.unitPrice as number)),
    otherSize: otherSizeThan(line, p),
  }
}

/**
 * The line's alternatives, ranked: the same SKU from another supplier first, then those of the
 * ordered size before other sizes, each by ETA, then price difference, then SKU. One per SKU (its best supplier): the customer chooses a SKU.
 * Only offers with free stock for the open quantity and, when the line's ETA is known, sooner.
 */
export function findAlternatives(input: FinderInput): Alternative[] {
  if (input.line.openQty <= 0) return []
  const products = new Map(input.products.map((p) => [p.sku, p]))
  const equivalents = new Set(input.equivalents)
  const best = new Map<string, Alternative>()
  for (const offer of input.offers) {
    const p = products.get(offer.sku)
    if (!p) continue
    const alt = candidateFor(input, p, offer, equivalents)
    if (!alt) continue
    const held = best.get(alt.sku)
    if (!held || compareAlternatives(alt, held) < 0) best.set(alt.sku, alt)
  }
  return [...best.values()].sort(compareAlternatives).slice(0, input.limit ?? 5)
}
