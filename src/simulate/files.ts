/**
 * The simulated world as a replay folder (docs/operations.md "Backtesting with wismo replay"):
 * the catalog, orders files twice a day, a status feed per supplier per day it has news, two
 * carrier files a day, `manifest.csv` listing them all with their arrival times — and beside
 * them the truth (`truth.csv`) and the parameters (`simulation.json`). Pure: the world in, every
 * file's path and text out (in path order).
 */
import { addCalendarDays, localDay } from '../domain/calendar.ts'
import type { IsoDate } from '../domain/types.ts'
import { toCsv } from '../demo/random.ts'
import type { SimEvent } from './carriers.ts'
import { atHour } from './sim-calendar.ts'
import type { SimLine, SimWorld } from './simulate.ts'

export interface SimFolder {
  /** Relative path → text. */
  files: Map<string, string>
  counts: Record<string, number>
}

type Arrival = { at: Date; kind: string; file: string; supplier: string }

const ORDER_HEADER = ['order_number', 'placed_at', 'customer_name', 'customer_email', 'customer_phone', 'postal_code', 'line_no', 'sku', 'qty',
  'supplier_id', 'po_number', 'po_line', 'promised_ship_date', 'unit_price', 'country']
const FEED_HEADER = ['po_number', 'po_line', 'sku', 'status', 'qty', 'expected_ship_date', 'carrier', 'tracking_number', 'service']
const TRUTH_HEADER = ['order_number', 'line_no', 'sku', 'supplier_id', 'placed_at', 'backordered', 'stated_ship_date', 'ship_day', 'carrier', 'service',
  'from_postal', 'to_postal', 'delivered_day']

/** Orders placed before noon arrive at 12:30, the rest at 23:30 (store time). */
const ORDER_BATCHES = [{ name: 'a', hour: 12.5, until: 12 }, { name: 'b', hour: 23.5, until: 24 }]
/** Carrier files at noon and 23:45. */
const CARRIER_BATCHES = [{ name: 'a', hour: 12 }, { name: 'b', hour: 23.75 }]

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

function catalogFiles(w: SimWorld): [string, string][] {
  return [
    ['catalog/suppliers.csv', toCsv(['supplier_id', 'name', 'email', 'phone', 'edi_id', 'lead_time_days', 'postal_code', 'country'],
      w.suppliers.map((s) => [s.id, s.name, s.email, '', '', s.leadTimeDays, s.postalCode, 'US']))],
    ['catalog/products.csv', toCsv(['sku', 'name', 'brand', 'family', 'color', 'size', 'price'],
      w.products.map((p) => [p.sku, p.name, p.brand, p.family, p.color, p.size, p.price.toFixed(2)]))],
    ['catalog/offers.csv', toCsv(['supplier_id', 'sku', 'supplier_sku', 'cost', 'available_qty', 'restock_date', 'lead_time_days'],
      w.products.flatMap((p) => p.suppliers.map((id) => [id, p.sku, `${id}-${p.sku}`, (p.price * 0.55).toFixed(2), 500, '',
        w.suppliers.find((s) => s.id === id)!.leadTimeDays])))],
  ]
}

/** The file (day and batch) a carrier event arrives in; a few delivered scans a day late. */
function carrierBatch(e: SimEvent, late: boolean, w: SimWorld): string | null {
  const at = new Date(e.occurred_at)
  const day = localDay(at, w.cal.zone)
  const batch = CARRIER_BATCHES.find((b) => at <= atHour(day, b.hour, w.cal.zone)) ?? CARRIER_BATCHES[1]
  const next = addCalendarDays(day, 1)
  if (late && next <= w.end) return `${next}|a`
  return day <= w.end ? `${day}|${batch.name}` : null
}

/** Which delivered scans arrive a file late (5 %): chosen by the number itself, so no generator draws change. */
const arrivesLate = (tn: string) => [...tn].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1000, 7) < 50

interface Story { ship: boolean; delivered: IsoDate | null }

/** Adds one line's order row, feed rows and carrier events; returns what of it falls in the period. */
function addLine(l: SimLine, w: SimWorld, orders: Map<string, string[][]>, feeds: Map<string, string[][]>, events: Map<string, SimEvent[]>): Story {
  const batch = ORDER_BATCHES.find((b) => Number(l.placedAt) < Number(atHour(l.placedDay, b.until, w.cal.zone)))!
  push(orders, `${l.placedDay}|${batch.name}`, [l.orderNumber, l.placedAt.toISOString(), l.customer.name, l.customer.email, l.customer.phone,
    l.customer.postalCode, String(l.lineNo), l.product.sku, String(l.qty), l.supplier.id, '', '', l.promisedShipDate, l.product.price.toFixed(2), 'US'])
  const row = (status: string, expected: string | null, carrier = '', tracking = '', service = '') =>
    [l.orderNumber, String(l.lineNo), l.product.sku, status, String(l.qty), expected ?? '', carrier, tracking, service]
  for (const n of l.fate.news) if (n.day <= w.end) push(feeds, `${l.supplier.id}|${n.day}`, row(n.status, n.expectedShipDate))
  const s = l.shipment
  if (l.fate.shipDay > w.end) return { ship: false, delivered: null }
  push(feeds, `${l.supplier.id}|${l.fate.shipDay}`, row('shipped', null, s.carrier, s.trackingNumber, s.service))
  let delivered: IsoDate | null = null
  for (const e of s.trip.events) {
    const key = carrierBatch(e, e.status === 'delivered' && arrivesLate(e.tracking_number), w)
    if (!key) continue
    push(events, key, e)
    if (e.status === 'delivered') delivered = s.trip.deliveredDay
  }
  return { ship: true, delivered }
}

function truthRow(l: SimLine, w: SimWorld, story: Story): (string | number)[] {
  const told = l.fate.backordered && l.fate.news[0].day <= w.end
  return [l.orderNumber, l.lineNo, l.product.sku, l.supplier.id, l.placedAt.toISOString(), told ? 'true' : 'false', told ? l.fate.statedShipDate ?? '' : '',
    story.ship ? l.fate.shipDay : '', story.ship ? l.shipment.carrier : '', story.ship ? l.shipment.service : '', l.supplier.postalCode,
    l.customer.postalCode, story.delivered ?? '']
}

/** Every file of the folder, the manifest and the truth included. */
export function buildFolder(w: SimWorld): SimFolder {
  const files = new Map<string, string>(catalogFiles(w))
  // Suppliers, then products, then offers (which name both): a minute apart at 05:00 on the first day.
  const arrivals: Arrival[] = [...files.keys()].map((file, i) => ({ at: atHour(w.options.start, 5 + i / 60, w.cal.zone), kind: file.slice(8, -4), file, supplier: '' }))
  const orders = new Map<string, string[][]>()
  const feeds = new Map<string, string[][]>()
  const events = new Map<string, SimEvent[]>()
  const truth: (string | number)[][] = []
  let shipped = 0
  let delivered = 0
  for (const l of w.lines) {
    const story = addLine(l, w, orders, feeds, events)
    truth.push(truthRow(l, w, story))
    shipped += story.ship ? 1 : 0
    delivered += story.delivered ? 1 : 0
  }
  for (const [key, rows] of orders) {
    const [day, name] = key.split('|')
    const file = `orders/${day}-${name}.csv`
    files.set(file, toCsv(ORDER_HEADER, rows))
    arrivals.push({ at: atHour(day, ORDER_BATCHES.find((b) => b.name === name)!.hour, w.cal.zone), kind: 'orders', file, supplier: '' })
  }
  const byId = new Map(w.suppliers.map((s) => [s.id, s]))
  for (const [key, rows] of feeds) {
    const [id, day] = key.split('|')
    const file = `feeds/${id}/${day}.csv`
    files.set(file, toCsv(FEED_HEADER, rows))
    arrivals.push({ at: atHour(day, byId.get(id)!.feedHour, w.cal.zone), kind: 'feed', file, supplier: id })
  }
  for (const [key, list] of events) {
    const [day, name] = key.split('|')
    const file = `carrier/${day}-${name}.ndjson`
    list.sort((a, b) => a.occurred_at.localeCompare(b.occurred_at) || a.tracking_number.localeCompare(b.tracking_number) || a.status.localeCompare(b.status))
    files.set(file, list.map((e) => JSON.stringify(e)).join('\n') + '\n')
    arrivals.push({ at: atHour(day, CARRIER_BATCHES.find((b) => b.name === name)!.hour, w.cal.zone), kind: 'carrier', file, supplier: '' })
  }
  arrivals.sort((a, b) => a.at.getTime() - b.at.getTime() || a.file.localeCompare(b.file))
  files.set('manifest.csv', toCsv(['at', 'kind', 'file', 'supplier'], arrivals.map((a) => [a.at.toISOString(), a.kind, a.file, a.supplier])))
  files.set('truth.csv', toCsv(TRUTH_HEADER, truth))
  const orderCount = new Set(w.lines.map((l) => l.orderNumber)).size
  const counts = {
    suppliers: w.suppliers.length, products: w.products.length, customers: w.customers.length, orders: orderCount, lines: w.lines.length,
    backordered: truth.filter((r) => r[5] === 'true').length, shipped, delivered, files: arrivals.length,
  }
  const { options } = w
  files.set('simulation.json', `${JSON.stringify({ days: options.days, seed: options.seed, start: options.start, end: w.end,
    ordersPerDay: options.ordersPerDay, timeZone: options.zone, counts }, null, 2)}\n`)
  return { files: new Map([...files].sort(([a], [b]) => a.localeCompare(b))), counts }
}
