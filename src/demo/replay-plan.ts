/**
 * The demo's days as a timeline: each order arrives when it was placed, each feed and carrier
 * file when it was received, and the sweep runs at fixed hours of the store's day — as a
 * running wismo would have seen it. Pure: the same data gives the same steps.
 */
import { addCalendarDays, localDay, startOfLocalDay } from '../domain/calendar.ts'
import type { DemoFeed } from './feeds.ts'
import { HOUR } from './timeline.ts'

export type ReplayStep =
  | { kind: 'orders'; at: Date; rows: string[] }
  | { kind: 'feed'; at: Date; feed: DemoFeed }
  | { kind: 'sweep'; at: Date; supplierCheck: boolean }

/**
 * Store hours at which a sweep runs: when quiet hours end (a promise that lapsed yesterday is
 * late today, last evening's carrier file is read, the night's held messages go out; the daily
 * supplier check runs then too) and late afternoon, after the suppliers' feeds. A running wismo
 * sweeps every minute; two a day tell the same story at a fraction of the load time (every line
 * a feed touched is still swept, just some hours later, and every notice is still in time).
 */
const SWEEP_HOURS = [8.1, 16.5]
const CHECK_HOUR = 8.1

interface OrderRows {
  placedAt: Date
  rows: string[]
}

/** The orders CSV's rows grouped by order, with each order's placed_at (the second column). */
export function ordersOf(csv: string): { header: string; orders: OrderRows[] } {
  const [header, ...rows] = csv.replace(/\n$/, '').split('\n')
  const orders: OrderRows[] = []
  let current = { number: '', o: { placedAt: new Date(0), rows: [] as string[] } }
  for (const row of rows) {
    // order_number and placed_at never hold a comma or a quote (the generator's own formats).
    const [number, placedAt] = row.split(',', 2)
    if (current.number !== number) {
      current = { number, o: { placedAt: new Date(placedAt), rows: [] } }
      orders.push(current.o)
    }
    current.o.rows.push(row)
  }
  return { header, orders }
}

function fixedSweeps(first: Date, now: Date, zone: string): ReplayStep[] {
  const out: ReplayStep[] = []
  for (let day = localDay(first, zone); day <= localDay(now, zone); day = addCalendarDays(day, 1)) {
    const start = startOfLocalDay(day, zone).getTime()
    for (const h of SWEEP_HOURS) {
      const at = new Date(start + h * HOUR)
      if (at > first && at < now) out.push({ kind: 'sweep', at, supplierCheck: h === CHECK_HOUR })
    }
  }
  return out
}

type Timed = { at: Date; order: number; step: ReplayStep }

/**
 * The steps in time order. Orders placed between two other steps are imported together at the
 * last one's placed_at; a feed comes before a sweep at the same instant; the last step is a
 * sweep at `now`.
 */
export function planReplay(feeds: DemoFeed[], ordersCsv: string, now: Date, zone: string): ReplayStep[] {
  const { orders } = ordersOf(ordersCsv)
  const timed: Timed[] = []
  for (const o of orders) timed.push({ at: o.placedAt, order: 0, step: { kind: 'orders', at: o.placedAt, rows: o.rows } })
  for (const f of feeds) timed.push({ at: f.receivedAt, order: 1, step: { kind: 'feed', at: f.receivedAt, feed: f } })
  const first = orders.reduce((t, o) => (o.placedAt < t ? o.placedAt : t), now)
  const sweeps: ReplayStep[] = [...fixedSweeps(first, now, zone), { kind: 'sweep', at: now, supplierCheck: true }]
  for (const step of sweeps) timed.push({ at: step.at, order: 2, step })
  // Stable: same-time steps keep their kind's order (orders, feeds, sweeps) and their input order.
  timed.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order)
  return mergeSteps(timed.map((t) => t.step))
}

/** Runs of orders become one import. */
function mergeSteps(steps: ReplayStep[]): ReplayStep[] {
  const out: ReplayStep[] = []
  for (const s of steps) {
    const last = out.at(-1)
    if (s.kind === 'orders' && last?.kind === 'orders') out[out.length - 1] = { kind: 'orders', at: s.at, rows: [...last.rows, ...s.rows] }
    else out.push(s)
  }
  return out
}
