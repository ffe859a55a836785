/**
 * A small recorded history for `wismo replay`, written as a folder: the catalog, two orders,
 * ACME's status feeds, carrier event files and a feed that cannot be read. The figures are the
 * ACME part of test/accuracy/scenario.ts, worked out by hand there (New York days, Nov 2026; the
 * store is in the US, so Veterans Day, Wed 11, is not a business day and a window ends Thu 12):
 *   A1: promised ship Wed 4 → ordered [Fri 6, Thu 12] (promise); shipped Wed 4 → [6, 12]; carrier
 *       estimate Mon 9 → [9, 9]; delivered Mon 9 (01:30Z on the 10th): on time at every milestone.
 *   A2: ordered [6, 12]; backordered to Wed 18 (the scenario's Mon 16 would lapse unshipped here: a
 *       sweep at midnight sends the renewed notice and, without consent, cancels the line — the FTC
 *       rule at work); shipped Tue 17 → [Thu 19, Tue 24]; delivered Fri 20: 8 days late against
 *       the date stated when ordered, in the window once shipped.
 * Sweeps fall between those arrivals at other hours than the scenario's, and none of the dates
 * above depends on them: `ordered` is the first date stated, `shipped` the first once in transit.
 */
import fs from 'node:fs'
import path from 'node:path'
import { CARRIER, ORDERS, PRODUCTS, SUPPLIERS, T1, T2 } from '../accuracy/scenario.ts'

const FEED_HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'

const event = (tracking: string, status: string, occurredAt: string, estimated: string | null = null) =>
  ({ tracking_number: tracking, carrier: CARRIER, status, occurred_at: occurredAt, location: 'Newark, NJ', message: status, estimated_delivery: estimated })

/** path → content of every file, and the manifest rows (deliberately not in time order). */
export const FILES: Record<string, string> = {
  'catalog/suppliers.csv': SUPPLIERS,
  'catalog/products.csv': PRODUCTS,
  'orders.csv': ORDERS.split('\n').filter((l) => !l.startsWith('B1,')).join('\n'),
  'feeds/acme-1.csv': `${FEED_HEADER}\nA2,1,STOVE-1,backordered,1,2026-11-18,,\n`,
  'feeds/acme-2.csv': `${FEED_HEADER}\nA1,1,STOVE-1,shipped,1,,${CARRIER},${T1}\n`,
  'feeds/acme-3.csv': `${FEED_HEADER}\nA2,1,STOVE-1,shipped,1,,${CARRIER},${T2}\n`,
  'feeds/garbled.csv': 'this is not,a status feed\n1,2\n',
  'carrier/1.json': JSON.stringify([event(T1, 'in_transit', '2026-11-05T12:00:00Z', '2026-11-09')]),
  'carrier/2.ndjson': `${JSON.stringify(event(T1, 'delivered', '2026-11-10T01:30:00Z'))}\n`,
  'carrier/3.json': JSON.stringify([event(T2, 'delivered', '2026-11-20T15:00:00Z')]),
}

export const MANIFEST_ROWS = [
  'at,kind,file,supplier',
  '2026-11-01T12:00:00Z,suppliers,catalog/suppliers.csv,',
  '2026-11-02T15:30:00Z,orders,orders.csv,',
  '2026-11-03T14:00:00Z,feed,feeds/acme-1.csv,ACME',
  '2026-11-04T14:00:00Z,feed,feeds/acme-2.csv,ACME',
  '2026-11-05T12:30:00Z,carrier,carrier/1.json,',
  '2026-11-06T14:00:00Z,feed,feeds/garbled.csv,ACME',
  '2026-11-10T01:45:00Z,carrier,carrier/2.ndjson,',
  '2026-11-17T14:00:00Z,feed,feeds/acme-3.csv,ACME',
  '2026-11-20T15:30:00Z,carrier,carrier/3.json,',
  // Listed last, arrived with the suppliers (before the orders): replayed in time order.
  '2026-11-01T12:00:00Z,products,catalog/products.csv,',
]

/** Writes the history into `dir` (manifest rows as given, or the standard ones). */
export function writeHistory(dir: string, manifest: string[] = MANIFEST_ROWS): void {
  for (const [name, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    fs.writeFileSync(path.join(dir, name), text)
  }
  fs.writeFileSync(path.join(dir, 'manifest.csv'), `${manifest.join('\n')}\n`)
}

const figures = (lines: number, onTime: number | null, inWindow: number | null, medianPaddingDays: number | null, medianWidthDays: number | null, lateDaysP90: number | null) =>
  ({ lines, onTime, inWindow, medianPaddingDays, medianWidthDays, lateDaysP90 })

/**
 * By hand (padding = latest − delivered, width = latest − earliest + 1):
 *   ordered: A1 9 in [6,12] pad 3 w 7; A2 20 vs [6,12]: late 8, pad −8 w 7.
 *   shipped: A1 9 in [6,12] pad 3 w 7; A2 20 in [19,24] pad 4 w 6.
 *   last:    A1 9 in [9,9] pad 0 w 1; A2 20 in [20,24] pad 4 w 5 — the sweep at midnight of the
 *            20th moved the window's start off the past day (19), before the delivery scan.
 * The period is the replayed span: Sun 1 (the first arrival) to Fri 20 (the last sweep).
 */
export const EXPECTED_REPORT = {
  from: '2026-11-01',
  to: '2026-11-20',
  milestones: {
    ordered: figures(2, 0.5, 0.5, -2.5, 7, 8),
    shipped: figures(2, 1, 1, 3.5, 6.5, null),
    last: figures(2, 1, 1, 2, 3, null),
  },
  by: [],
}
