import { demoDay } from './demo-day.ts'
/** The 2,000 demo orders: when they were placed, by whom, what for, and each line's story. */
import { addBusinessDays, businessDaysBetween } from '../domain/calendar.ts'
import type { CalendarConfig } from '../domain/types.ts'
import type { Catalog, Offer } from './catalog.ts'
import { makeCustomer, type Customer } from './people.ts'
import type { Rng } from './random.ts'
import { buildStory, STOCK, type Stock, type Story } from './stories.ts'
import { FALLBACK, MIX, phaseOf } from './story-mix.ts'
import type { LineInput, LinePlan } from './story-kit.ts'
import { DAY, type FeedCalendar } from './timeline.ts'

export interface PlannedLine {
  lineNo: number
  sku: string
  qty: number
  supplierId: string
  story: Story
  plan: LinePlan
}

export interface PlannedOrder {
  number: string
  poNumber: string
  placedAt: Date
  customer: Customer
  lines: PlannedLine[]
}

export interface World {
  rng: Rng
  now: Date
  cal: CalendarConfig
  catalog: Catalog
  feeds: FeedCalendar
  pools: Record<Stock, Offer[]>
  usedTracking: Set<string>
}

export function stockPools(catalog: Catalog): Record<Stock, Offer[]> {
  const out = catalog.offers.filter((o) => o.availableQty === 0)
  return {
    in: catalog.offers.filter((o) => o.availableQty > 0),
    out,
    out_dated: out.filter((o) => o.restockDate !== null),
    out_undated: out.filter((o) => o.restockDate === null),
  }
}

/** Mostly one of a thing; bulbs and chairs come in more. */
function quantity(rng: Rng, story: Story, offer: Offer): number {
  if (story.startsWith('split_')) return rng.int(2, 4)
  if (offer.sku.startsWith('BRI-LED')) return rng.int(1, 6)
  return rng.weighted({ 1: 78, 2: 15, 3: 5, 4: 2 }) === '1' ? 1 : rng.int(2, 4)
}

export interface LineRequest {
  order: PlannedOrder
  stories: Story[]
  /** Only offers passing this filter (the ugly example wants one with alternatives). */
  offerFilter?: (o: Offer) => boolean
}

/** Tries the stories in turn on fresh offers; null when none can be told for this order. */
export function planLine(w: World, req: LineRequest): PlannedLine | null {
  const { order } = req
  const taken = new Set(order.lines.map((l) => l.sku))
  for (const story of req.stories) {
    const pool = w.pools[STOCK[story] ?? 'in'].filter((o) => !taken.has(o.sku) && (req.offerFilter?.(o) ?? true))
    if (pool.length === 0) continue
    const offer = w.rng.pick(pool)
    const supplier = w.catalog.suppliers.find((s) => s.id === offer.supplierId)!
    const qty = quantity(w.rng, story, offer)
    const inp: LineInput = {
      rng: w.rng, now: w.now, today: demoDay(w.now), cal: w.cal, placedAt: order.placedAt,
      promise: addBusinessDays(demoDay(order.placedAt), offer.leadTimeDays ?? supplier.leadTimeDays, w.cal),
      supplier, offer, qty, slots: w.feeds.after(supplier.id, order.placedAt),
      destination: order.customer.city, usedTracking: w.usedTracking,
    }
    const plan = buildStory(story, inp)
    if (plan) return { lineNo: order.lines.length + 1, sku: offer.sku, qty, supplierId: supplier.id, story, plan }
  }
  return null
}

/** A line told by its age's mix of stories, falling back to ones that always fit. */
export function planOrdinaryLine(w: World, order: PlannedOrder): PlannedLine {
  const phase = phaseOf(businessDaysBetween(demoDay(order.placedAt), demoDay(w.now), w.cal))
  const line = planLine(w, { order, stories: [w.rng.weighted(MIX[phase]), ...FALLBACK[phase]] })
  if (!line) throw new Error('demo: no story fits a line (silent always should)')
  return line
}

/** Orders spread over the last `days` days, oldest first, numbered in that order. */
export function placeOrders(w: World, count: number, days: number): PlannedOrder[] {
  const times = Array.from({ length: count }, () => w.now.getTime() - w.rng.float(0.02, days) * DAY).sort((a, b) => a - b)
  return times.map((t, i) => ({
    number: `W${100001 + i}`,
    poNumber: `PO${700001 + i}`,
    placedAt: new Date(Math.floor(t / 1000) * 1000),
    customer: makeCustomer(w.rng, i + 1),
    lines: [],
  }))
}

export function lineCount(rng: Rng): number {
  return Number(rng.weighted({ 1: 60, 2: 28, 3: 12 }))
}
