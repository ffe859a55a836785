/**
 * A small history whose accuracy figures are worked out by hand, played through wismo's real
 * doors (CSV import, supplier feed, carrier events, sweeps with the clock moved) by a driver: the
 * functions in-process, or the `wismo` command line. Days are New York's (the default zone).
 *
 * Nov 2026: Mon 2 … Fri 6, Mon 9 … Fri 13, Mon 16 … Fri 20, Mon 23 …; transit 2–5 business days.
 * The store is in the US (WISMO_COUNTRY's default): Veterans Day, Wed 11, is a public holiday and
 * not a business day (nor is Thanksgiving, Thu 26), so a window reaching past the 10th ends a day later.
 *   A1 (ACME, 941 → 100): promised ship Wed 4 → ordered [Fri 6, Thu 12] (promise). Shipped Wed 4 →
 *      [6, 12] (carrier). Carrier estimate Mon 9 → [9, 9]: a new ETA, same state. Delivered
 *      01:30Z on the 10th = Mon 9 20:30 in New York: actual Mon 9.
 *   A2 (ACME, 941 → 100): ordered [6, 12]. Backordered, ship Mon 16 → [Wed 18, Mon 23] (supplier).
 *      Shipped Tue 17 → [Thu 19, Tue 24]. Delivered Fri 20.
 *   B1 (BOLT, GB SW1 → BR 013): ordered [6, 12] (the store's calendar, whatever the lane). Shipped Tue 3 → [Thu 5, Tue 10]. Delivered Wed 4 (early).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../src/store/db.ts'
import { runSweep } from '../../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { importCsv } from '../../src/store/import/import-csv.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { ingestCarrierFile } from '../../src/carriers/ingest-carrier-file.ts'

/** The US public holidays of November 2026 the command line's calendar has (src/util/country-holidays.ts). */
export const US_NOVEMBER_2026 = ['2026-11-11', '2026-11-26']
const CALENDAR = { ...DEFAULT_CALENDAR, holidays: US_NOVEMBER_2026 }

export const CARRIER = 'UPS'
export const T1 = '1Z999AA10123456784'
export const T2 = '1Z999AA10123456793'
export const T3 = '1Z12345E0205271688'

export const SUPPLIERS = 'supplier_id,name,email,phone,edi_id,lead_time_days,postal_code,country\nACME,Acme,a@acme.example,,,3,94107,\nBOLT,Bolt,b@bolt.example,,,2,SW1A 1AA,GB\n'
export const PRODUCTS = 'sku,name,brand,family,color,size,price\nSTOVE-1,Summit Camp Stove,Summit,STOVE,,,89.50\n'
export const ORDERS = [
  'order_number,placed_at,customer_email,postal_code,line_no,sku,qty,supplier_id,promised_ship_date,country',
  'A1,2026-11-02T15:00:00Z,a1@example.com,10001,1,STOVE-1,1,ACME,2026-11-04,',
  'A2,2026-11-02T15:00:00Z,a2@example.com,10001,1,STOVE-1,1,ACME,2026-11-04,',
  'B1,2026-11-02T15:00:00Z,b1@example.com,01310-100,1,STOVE-1,1,BOLT,2026-11-04,BR',
].join('\n')

export interface Driver {
  importCsv(kind: 'suppliers' | 'products' | 'orders', text: string, at: string): Promise<void>
  feed(supplier: string, rows: string[], at: string): Promise<void>
  carrier(events: object[], at: string): Promise<void>
  sweep(at: string): Promise<void>
}

const event = (tracking: string, status: string, occurredAt: string, estimated: string | null = null) =>
  ({ tracking_number: tracking, carrier: CARRIER, status, occurred_at: occurredAt, location: 'Newark, NJ', message: status, estimated_delivery: estimated })

export async function playScenario(d: Driver): Promise<void> {
  await d.importCsv('suppliers', SUPPLIERS, '2026-11-01T12:00:00Z')
  await d.importCsv('products', PRODUCTS, '2026-11-01T12:00:00Z')
  await d.importCsv('orders', ORDERS, '2026-11-02T15:30:00Z')
  await d.sweep('2026-11-02T16:00:00Z')
  await d.feed('ACME', ['A2,1,STOVE-1,backordered,1,2026-11-16,,'], '2026-11-03T14:00:00Z')
  await d.feed('BOLT', [`B1,1,STOVE-1,shipped,1,,${CARRIER},${T3}`], '2026-11-03T14:00:00Z')
  await d.sweep('2026-11-03T15:00:00Z')
  await d.feed('ACME', [`A1,1,STOVE-1,shipped,1,,${CARRIER},${T1}`], '2026-11-04T14:00:00Z')
  await d.sweep('2026-11-04T15:00:00Z')
  await d.carrier([event(T3, 'delivered', '2026-11-04T18:00:00Z')], '2026-11-04T18:30:00Z')
  await d.sweep('2026-11-04T19:00:00Z')
  await d.carrier([event(T1, 'in_transit', '2026-11-05T12:00:00Z', '2026-11-09')], '2026-11-05T12:30:00Z')
  await d.sweep('2026-11-05T13:00:00Z')
  await d.carrier([event(T1, 'delivered', '2026-11-10T01:30:00Z')], '2026-11-10T01:45:00Z')
  await d.sweep('2026-11-10T02:00:00Z')
  await d.feed('ACME', [`A2,1,STOVE-1,shipped,1,,${CARRIER},${T2}`], '2026-11-17T14:00:00Z')
  await d.sweep('2026-11-17T15:00:00Z')
  await d.carrier([event(T2, 'delivered', '2026-11-20T15:00:00Z')], '2026-11-20T15:30:00Z')
  await d.sweep('2026-11-20T16:00:00Z')
}

const figures = (lines: number, onTime: number | null, inWindow: number | null, medianPaddingDays: number | null, medianWidthDays: number | null, lateDaysP90: number | null) =>
  ({ lines, onTime, inWindow, medianPaddingDays, medianWidthDays, lateDaysP90 })

/**
 * By hand, actual against [earliest, latest] (padding = latest − actual, width = latest − earliest + 1):
 *   ordered: A1 9 in [6,12] pad 3 w 7; A2 20 vs [6,12] late 8, pad −8; B1 4 vs [6,12] early, pad 8.
 *   shipped: A1 9 in [6,12] pad 3 w 7; A2 20 in [19,24] pad 4 w 6; B1 4 vs [5,10] early, pad 6 w 6.
 *   last:    A1 9 in [9,9] pad 0 w 1; A2 20 in [19,24] pad 4 w 6; B1 4 vs [5,10] early, pad 6 w 6.
 */
export const ALL = {
  ordered: figures(3, 2 / 3, 1 / 3, 3, 7, 8),
  shipped: figures(3, 1, 2 / 3, 4, 6, null),
  last: figures(3, 1, 2 / 3, 4, 6, null),
}
export const BY_SUPPLIER = [
  { key: 'ACME', milestones: { ordered: figures(2, 0.5, 0.5, -2.5, 7, 8), shipped: figures(2, 1, 1, 3.5, 6.5, null), last: figures(2, 1, 1, 2, 3.5, null) } },
  { key: 'BOLT', milestones: { ordered: figures(1, 1, 0, 8, 7, null), shipped: figures(1, 1, 0, 6, 6, null), last: figures(1, 1, 0, 6, 6, null) } },
]
export const LANES = ['GB SW1 → BR 013', 'US 941 → US 100']

const FEED_HEADER = 'po_number,po_line,sku,status,qty,expected_ship_date,carrier,tracking_number'

/** The scenario through wismo's functions, in-process (CSV files written to `dir`). */
export function inProcessDriver(db: Db, dir: string): Driver {
  let n = 0
  return {
    async importCsv(kind, text, at) {
      const file = path.join(dir, `${kind}-${++n}.csv`)
      fs.writeFileSync(file, text)
      await importCsv(db, kind, file, { now: new Date(at) })
    },
    async feed(supplierId, rows, at) {
      await ingestSupplierFeed(db, { body: Buffer.from([FEED_HEADER, ...rows].join('\n')), filename: `f-${++n}.csv`, supplierId, source: 'test', receivedAt: new Date(at) })
    },
    async carrier(events, at) {
      await ingestCarrierFile(db, { body: Buffer.from(JSON.stringify(events)), filename: `c-${++n}.json`, source: 'test', receivedAt: new Date(at) })
    },
    async sweep(at) {
      await runSweep(db, { now: new Date(at), calendar: CALENDAR, delayGraceDays: 1 })
    },
  }
}
