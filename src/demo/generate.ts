/**
 * The demo data set, generated from a seed relative to `now`: catalog, 2,000 orders over the
 * last 45 days, and the supplier feeds and carrier events that brought each line to its state
 * at `now`. Pure and deterministic: the same seed and `now` give byte-identical files.
 */
import { DEFAULT_CALENDAR } from '../domain/calendar.ts'
import { buildCatalog, catalogCsv } from './catalog.ts'
import { planExamples, type ExampleLabel } from './examples.ts'
import { carrierFiles, inArrivalOrder, supplierFeeds, type DemoFeed } from './feeds.ts'
import { lineCount, placeOrders, planOrdinaryLine, stockPools, type PlannedOrder, type World } from './orders.ts'
import { Rng, toCsv } from './random.ts'
import type { Story } from './stories.ts'
import { FeedCalendar } from './timeline.ts'

export const DEFAULT_SEED = 2026

export interface DemoOptions {
  now: Date
  seed?: number
  /** Number of orders (default 2,000). */
  orders?: number
  /**
   * The store's holidays (its country's and configured ones), so the made-up suppliers and
   * carriers rest on the days wismo will count as holidays. None by default.
   */
  holidays?: readonly string[]
}

export interface DemoExample {
  label: ExampleLabel
  orderNumber: string
  email: string
}

export interface DemoData {
  now: Date
  seed: number
  csv: { suppliers: string; products: string; offers: string; equivalents: string; orders: string }
  /** Supplier status feeds and carrier event files, in the order they arrived. */
  feeds: DemoFeed[]
  examples: DemoExample[]
  /** Each line's story (what the generator meant to happen), for tests and curiosity. */
  stories: { orderNumber: string; lineNo: number; story: Story }[]
  counts: { orders: number; lines: number; supplierFeeds: number; carrierFiles: number; signals: number; events: number }
}

const ORDER_HEADER = [
  'order_number', 'placed_at', 'customer_name', 'customer_email', 'customer_phone', 'postal_code',
  'line_no', 'sku', 'qty', 'supplier_id', 'po_number', 'po_line', 'promised_ship_date',
]

// promised_ship_date is left blank: wismo derives it from the supplier's lead time.
function ordersCsv(orders: PlannedOrder[]): string {
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z')
  return toCsv(ORDER_HEADER, orders.flatMap((o) => o.lines.map((l) => [
    o.number, iso(o.placedAt), o.customer.name, o.customer.email, o.customer.phone, o.customer.postalCode,
    l.lineNo, l.sku, l.qty, l.supplierId, o.poNumber, l.lineNo, null,
  ])))
}

export function generateDemo(opts: DemoOptions): DemoData {
  const now = new Date(opts.now.getTime())
  const seed = opts.seed ?? DEFAULT_SEED
  const root = new Rng(seed)
  const cal = opts.holidays?.length ? { ...DEFAULT_CALENDAR, holidays: [...opts.holidays] } : DEFAULT_CALENDAR
  const catalog = buildCatalog(root.fork(1), now)
  const feedCal = new FeedCalendar(root.fork(2), now, catalog.suppliers, cal)
  const w: World = { rng: root.fork(3), now, cal, catalog, feeds: feedCal, pools: stockPools(catalog), usedTracking: new Set() }
  const orders = placeOrders(w, opts.orders ?? 2000, 45)
  const examples = planExamples(w, orders)
  for (const o of orders) {
    if (o.lines.length > 0) continue
    const n = lineCount(w.rng)
    for (let i = 0; i < n; i++) o.lines.push(planOrdinaryLine(w, o))
  }
  const supplier = supplierFeeds(orders)
  const carrier = carrierFiles(orders, now)
  const lines = orders.flatMap((o) => o.lines.map((l) => ({ orderNumber: o.number, lineNo: l.lineNo, story: l.story })))
  return {
    now,
    seed,
    csv: { ...catalogCsv(catalog), orders: ordersCsv(orders) },
    feeds: inArrivalOrder([...supplier, ...carrier]),
    examples: examples.map(({ label, order }) => ({ label, orderNumber: order.number, email: order.customer.email })),
    stories: lines,
    counts: {
      orders: orders.length,
      lines: lines.length,
      supplierFeeds: supplier.length,
      carrierFiles: carrier.length,
      signals: supplier.reduce((n, f) => n + f.count, 0),
      events: carrier.reduce((n, f) => n + f.count, 0),
    },
  }
}
