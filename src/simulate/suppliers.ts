/**
 * The simulated suppliers: each ships from its own US postal code with its own habits — how
 * many business days it takes from order to hand-off, how often and how long it backorders,
 * whether it states a ship date when it does and how optimistic that date is, which carrier
 * services it uses, and when in the day its status feed goes out.
 */
import type { Rng } from '../demo/random.ts'
import type { ServiceName } from './carriers.ts'

export interface SupplierHabits {
  id: string
  name: string
  email: string
  postalCode: string
  city: string
  /** Stated lead time (business days) → the orders' promised ship date. */
  leadTimeDays: number
  /** Hand-off in business days from order to shipped: lognormal median and spread, at least 1. */
  handoffMedian: number
  handoffSigma: number
  /** Base chance a line is backordered (scaled by popularity and season). */
  backorderRate: number
  /** Backorder length in calendar days: lognormal median and spread. */
  backorderMedianDays: number
  backorderSigma: number
  /** Chance a backorder comes with an expected ship date at all. */
  statesDate: number
  /** Chance a stated date is right; otherwise it is early by ~`slipDays` business days. */
  exactDate: number
  slipDays: number
  /** Chance a later feed revises a stated (or missing) date. */
  revises: number
  /** Chance an order is acknowledged (accepted) before it ships. */
  acknowledges: number
  /** Local hour its daily feed goes out. */
  feedHour: number
  services: Partial<Record<ServiceName, number>>
}

type Template = Omit<SupplierHabits, 'email'>

const TEMPLATES: Template[] = [
  { id: 'NORTHWIND', name: 'Northwind Outfitters', postalCode: '07102', city: 'Newark, NJ', leadTimeDays: 2, handoffMedian: 1.2, handoffSigma: 0.35,
    backorderRate: 0.04, backorderMedianDays: 5, backorderSigma: 0.8, statesDate: 0.9, exactDate: 0.6, slipDays: 2, revises: 0.3, acknowledges: 0.9,
    feedHour: 15, services: { 'UPS Ground': 8, 'UPS 2nd Day Air': 1 } },
  { id: 'CASCADE', name: 'Cascade Gear Co', postalCode: '98108', city: 'Seattle, WA', leadTimeDays: 5, handoffMedian: 4, handoffSigma: 0.45,
    backorderRate: 0.08, backorderMedianDays: 14, backorderSigma: 0.9, statesDate: 0.7, exactDate: 0.3, slipDays: 6, revises: 0.2, acknowledges: 0.8,
    feedHour: 17, services: { 'FedEx Ground': 5, 'FedEx Home Delivery': 4, 'FedEx 2Day': 1 } },
  { id: 'LONESTAR', name: 'Lone Star Supply', postalCode: '75201', city: 'Dallas, TX', leadTimeDays: 3, handoffMedian: 2, handoffSigma: 0.4,
    backorderRate: 0.06, backorderMedianDays: 8, backorderSigma: 0.8, statesDate: 0, exactDate: 0, slipDays: 0, revises: 0.25, acknowledges: 0.6,
    feedHour: 16, services: { 'FedEx Ground': 6, 'UPS Ground': 3 } },
  { id: 'PRAIRIE', name: 'Prairie Home Goods', postalCode: '60607', city: 'Chicago, IL', leadTimeDays: 2, handoffMedian: 1.5, handoffSigma: 0.3,
    backorderRate: 0.03, backorderMedianDays: 3, backorderSigma: 0.6, statesDate: 0.95, exactDate: 0.8, slipDays: 1, revises: 0.2, acknowledges: 1,
    feedHour: 14, services: { 'UPS Ground': 7, 'USPS Priority Mail': 2 } },
  { id: 'SUNCOAST', name: 'Suncoast Trading', postalCode: '33166', city: 'Miami, FL', leadTimeDays: 4, handoffMedian: 3, handoffSigma: 0.6,
    backorderRate: 0.1, backorderMedianDays: 20, backorderSigma: 1.0, statesDate: 0.5, exactDate: 0.2, slipDays: 10, revises: 0.4, acknowledges: 0.7,
    feedHour: 18, services: { 'USPS Ground Advantage': 5, 'USPS Priority Mail': 3 } },
  { id: 'DESERTLINE', name: 'Desertline Distributors', postalCode: '85043', city: 'Phoenix, AZ', leadTimeDays: 3, handoffMedian: 2, handoffSigma: 0.5,
    backorderRate: 0.05, backorderMedianDays: 6, backorderSigma: 0.7, statesDate: 0.8, exactDate: 0.5, slipDays: 3, revises: 0.3, acknowledges: 0.85,
    feedHour: 16, services: { 'UPS Ground': 5, 'FedEx Ground': 3 } },
  { id: 'PEACHTREE', name: 'Peachtree Wholesale', postalCode: '30336', city: 'Atlanta, GA', leadTimeDays: 2, handoffMedian: 1, handoffSigma: 0.3,
    backorderRate: 0.05, backorderMedianDays: 4, backorderSigma: 0.7, statesDate: 0, exactDate: 0, slipDays: 0, revises: 0, acknowledges: 0.5,
    feedHour: 15, services: { 'UPS Ground': 6, 'UPS Next Day Air': 1 } },
  { id: 'ROCKIES', name: 'Rockies Mercantile', postalCode: '80216', city: 'Denver, CO', leadTimeDays: 6, handoffMedian: 4.5, handoffSigma: 0.6,
    backorderRate: 0.07, backorderMedianDays: 12, backorderSigma: 1.0, statesDate: 0.6, exactDate: 0.4, slipDays: 5, revises: 0.5, acknowledges: 0.9,
    feedHour: 17, services: { 'FedEx Home Delivery': 5, 'FedEx 2Day': 1 } },
  { id: 'HARBOR', name: 'Harbor Freightworks', postalCode: '90058', city: 'Los Angeles, CA', leadTimeDays: 3, handoffMedian: 2, handoffSigma: 0.5,
    backorderRate: 0.06, backorderMedianDays: 10, backorderSigma: 1.1, statesDate: 0.7, exactDate: 0.35, slipDays: 7, revises: 0.3, acknowledges: 0.8,
    feedHour: 16, services: { 'UPS Ground': 4, 'USPS Ground Advantage': 3, 'USPS Priority Mail': 1 } },
  { id: 'BLUEGRASS', name: 'Bluegrass Supply House', postalCode: '40213', city: 'Louisville, KY', leadTimeDays: 2, handoffMedian: 1.3, handoffSigma: 0.35,
    backorderRate: 0.04, backorderMedianDays: 6, backorderSigma: 0.9, statesDate: 0.85, exactDate: 0.7, slipDays: 2, revises: 0.3, acknowledges: 0.95,
    feedHour: 14, services: { 'UPS Ground': 6, 'UPS 2nd Day Air': 1 } },
]

/** 6–10 suppliers, in a fixed order (by id) whatever the draw. */
export function drawSuppliers(rng: Rng): SupplierHabits[] {
  const count = rng.int(6, TEMPLATES.length)
  return rng.shuffle(TEMPLATES).slice(0, count)
    .map((t) => ({ ...t, email: `orders@${t.id.toLowerCase()}.example`, feedHour: t.feedHour + rng.float(0, 1) }))
    .sort((a, b) => a.id.localeCompare(b.id))
}

/** A lognormal draw: `median · e^(σ·z)`, z standard normal (Box–Muller). */
export function lognormal(rng: Rng, median: number, sigma: number): number {
  const u = 1 - rng.next()
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next())
  return median * Math.exp(sigma * z)
}
