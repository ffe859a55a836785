/**
 * `wismo simulate`'s world, day by day: orders arrive, each line meets its supplier
 * (src/simulate/supply.ts) and, once shipped, its carrier (src/simulate/carriers.ts). Pure: the
 * options (seed included) in, every order line's story out — the files are made from it in
 * src/simulate/files.ts. Each order draws from its own generator, so one part of the world can
 * change without reshuffling the rest.
 */
import { addCalendarDays } from '../domain/calendar.ts'
import type { IsoDate } from '../domain/types.ts'
import { Rng } from '../demo/random.ts'
import { drawCustomers, drawProducts, type Customer, type Product } from './catalog.ts'
import { planTrip, SERVICES, type ServiceName, type Trip } from './carriers.ts'
import { expectedOrders, lineCount, placedHours, poisson } from './demand.ts'
import { addWorkdays, atHour, makeCalendar, type SimCalendar } from './sim-calendar.ts'
import { planLine, type LineFate } from './supply.ts'
import { drawSuppliers, type SupplierHabits } from './suppliers.ts'
import { drawTrackingNumber, upsAccount } from './tracking-numbers.ts'

export interface SimOptions {
  days: number
  seed: number
  /** First day, `YYYY-MM-DD` in the store's zone. */
  start: IsoDate
  /** Orders on an average weekday outside the peak. */
  ordersPerDay: number
  /** The store's IANA zone: every day and time of day is placed in it. */
  zone: string
}

export interface SimShipment {
  carrier: string
  service: ServiceName
  trackingNumber: string
  trip: Trip
}

export interface SimLine {
  orderNumber: string
  lineNo: number
  product: Product
  supplier: SupplierHabits
  qty: number
  placedAt: Date
  placedDay: IsoDate
  promisedShipDate: IsoDate
  customer: Customer
  fate: LineFate
  shipment: SimShipment
}

export interface SimWorld {
  options: SimOptions
  end: IsoDate
  cal: SimCalendar
  suppliers: SupplierHabits[]
  products: Product[]
  customers: Customer[]
  lines: SimLine[]
}

/** A 32-bit seed from several numbers (murmur3's finalizer over a running mix). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193)
    h ^= h >>> 16
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
  }
  return h >>> 0
}

/** Picks products by weight, `count` distinct ones. */
function pickProducts(rng: Rng, products: Product[], cumulative: number[], count: number): Product[] {
  const out: Product[] = []
  for (let tries = 0; out.length < count && tries < 20; tries++) {
    const r = rng.next() * cumulative[cumulative.length - 1]
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid] > r) hi = mid
      else lo = mid + 1
    }
    if (!out.includes(products[lo])) out.push(products[lo])
  }
  return out
}

function shipmentOf(rng: Rng, line: Omit<SimLine, 'shipment'>, used: Set<string>, cal: SimCalendar, account: string): SimShipment {
  const service = rng.weighted(line.supplier.services)
  const carrier = SERVICES[service].carrier
  let trackingNumber = drawTrackingNumber(rng, carrier, service, account)
  while (used.has(trackingNumber)) trackingNumber = drawTrackingNumber(rng, carrier, service, account)
  used.add(trackingNumber)
  const trip = planTrip(rng, {
    trackingNumber, service, shipDay: line.fate.shipDay, notifiedAt: atHour(line.fate.shipDay, line.supplier.feedHour, cal.zone),
    from: { postal: line.supplier.postalCode, city: line.supplier.city }, to: { postal: line.customer.postalCode, city: line.customer.city },
  }, cal)
  return { carrier, service, trackingNumber, trip }
}

/** The simulated world for these options: same options, same world, on every machine. */
export function simulateWorld(options: SimOptions): SimWorld {
  const end = addCalendarDays(options.start, options.days - 1)
  const cal = makeCalendar(options.start, end, options.zone)
  const root = new Rng(mixSeed(options.seed, 17))
  const suppliers = drawSuppliers(root.fork(1))
  const products = drawProducts(root.fork(2), suppliers)
  const customers = drawCustomers(root.fork(3), Math.min(50_000, Math.max(50, Math.round(options.ordersPerDay * options.days * 0.7))))
  const accounts = new Map(suppliers.map((s, i) => [s.id, upsAccount(s.id, 11 + i * 7)]))
  const byId = new Map(suppliers.map((s) => [s.id, s]))
  let sum = 0
  const cumulative = products.map((p) => (sum += p.weight))
  const lines: SimLine[] = []
  const used = new Set<string>()
  let seq = 0
  for (let i = 0; i < options.days; i++) {
    const day = addCalendarDays(options.start, i)
    const dayRng = new Rng(mixSeed(options.seed, 1000 + i))
    for (const hour of placedHours(dayRng, poisson(dayRng, expectedOrders(day, options.ordersPerDay)))) {
      const rng = new Rng(mixSeed(options.seed, 7, ++seq))
      const orderNumber = `W${100000 + seq}`
      const customer = rng.pick(customers)
      const placedAt = atHour(day, hour, options.zone)
      pickProducts(rng, products, cumulative, lineCount(rng)).forEach((product, k) => {
        const supplier = byId.get(product.suppliers.length > 1 && rng.chance(0.2) ? product.suppliers[1] : product.suppliers[0])!
        const fate = planLine(rng, supplier, product.hot, day, cal)
        const base = { orderNumber, lineNo: k + 1, product, supplier, qty: rng.chance(0.85) ? 1 : 2, placedAt, placedDay: day,
          promisedShipDate: addWorkdays(day, supplier.leadTimeDays, cal), customer, fate }
        lines.push({ ...base, shipment: shipmentOf(rng, base, used, cal, accounts.get(supplier.id)!) })
      })
    }
  }
  return { options, end, cal, suppliers, products, customers, lines }
}
