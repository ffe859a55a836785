/**
 * Turns the planned lines into what wismo receives: one CSV status feed per supplier per
 * business day with that day's news, and one file of carrier events per day. Few large files
 * keep the load fast, and each keeps its own past receivedAt so wismo sees history in order.
 */
import type { PlannedOrder } from './orders.ts'
import { toCsv } from './random.ts'
import { HOUR } from './timeline.ts'
import type { PlannedEvent } from './tracking.ts'

export interface DemoFeed {
  kind: 'supplier' | 'carrier'
  supplierId: string | null
  filename: string
  receivedAt: Date
  body: string
  /** Rows (supplier feed) or events (carrier file). */
  count: number
}

const STATUS_HEADER = ['po_number', 'po_line', 'sku', 'status', 'qty', 'expected_ship_date', 'carrier', 'tracking_number']
const compact = (t: Date) => t.toISOString().slice(0, 10).replace(/-/g, '')

export function supplierFeeds(orders: PlannedOrder[]): DemoFeed[] {
  const groups = new Map<string, { supplierId: string; at: Date; rows: (string | number | null)[][] }>()
  for (const o of orders) {
    for (const l of o.lines) {
      for (const s of l.plan.signals) {
        const key = `${l.supplierId}@${s.at.getTime()}`
        const g = groups.get(key) ?? { supplierId: l.supplierId, at: s.at, rows: [] }
        g.rows.push([o.poNumber, l.lineNo, l.sku, s.status, s.qty, s.expected, s.carrier, s.tracking])
        groups.set(key, g)
      }
    }
  }
  return [...groups.values()].map((g) => ({
    kind: 'supplier' as const,
    supplierId: g.supplierId,
    filename: `${g.supplierId}-status-${compact(g.at)}.csv`,
    receivedAt: g.at,
    body: toCsv(STATUS_HEADER, g.rows),
    count: g.rows.length,
  }))
}

function eventJson(e: PlannedEvent): string {
  return JSON.stringify({
    tracking_number: e.tracking_number,
    carrier: e.carrier,
    status: e.status,
    occurred_at: e.occurred_at.toISOString(),
    location: e.location,
    message: e.message,
    estimated_delivery: e.estimated_delivery,
  })
}

/** One NDJSON file per day of events, received at the end of that day (or now, for today). */
export function carrierFiles(orders: PlannedOrder[], now: Date): DemoFeed[] {
  const byDay = new Map<string, PlannedEvent[]>()
  for (const e of orders.flatMap((o) => o.lines.flatMap((l) => l.plan.events))) {
    const day = e.occurred_at.toISOString().slice(0, 10)
    const list = byDay.get(day)
    if (list) list.push(e)
    else byDay.set(day, [e])
  }
  return [...byDay.entries()].map(([day, events]) => {
    const endOfDay = new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR - 60_000)
    const sorted = events.sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime() || a.tracking_number.localeCompare(b.tracking_number))
    return {
      kind: 'carrier' as const,
      supplierId: null,
      filename: `carrier-events-${day.replace(/-/g, '')}.ndjson`,
      receivedAt: endOfDay < now ? endOfDay : now,
      body: sorted.map(eventJson).join('\n') + '\n',
      count: events.length,
    }
  })
}

/** Everything in the order it arrived (supplier feeds before a carrier file received at the same instant). */
export function inArrivalOrder(feeds: DemoFeed[]): DemoFeed[] {
  return [...feeds].sort(
    (a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.kind === b.kind ? a.filename.localeCompare(b.filename) : a.kind === 'supplier' ? -1 : 1),
  )
}
