import { test } from 'node:test'
import assert from 'node:assert/strict'
import { simulateWorld, type SimOptions } from '../../src/simulate/simulate.ts'
import { buildFolder } from '../../src/simulate/files.ts'
import { usHolidays, weekday } from '../../src/simulate/sim-calendar.ts'
import { calendarDays, localDay } from '../../src/domain/calendar.ts'
import { detectCarrier } from '../../src/carriers/tracking-number.ts'
import { readCsvText } from '../../src/store/import/csv-reader.ts'

const YEAR: SimOptions = { days: 365, seed: 1, start: '2026-01-05', ordersPerDay: 10, zone: 'America/New_York' }
const world = simulateWorld(YEAR)
const folder = buildFolder(world)

async function rows(text: string): Promise<Record<string, string>[]> {
  const out: string[][] = []
  for await (const r of readCsvText(Buffer.from(text))) out.push(r.fields)
  const [header, ...body] = out
  return body.map((f) => Object.fromEntries(header.map((h, i) => [h, f[i] ?? ''])))
}

test('same options, same folder byte for byte; another seed, another folder', () => {
  const again = buildFolder(simulateWorld(YEAR))
  assert.deepEqual([...again.files.keys()], [...folder.files.keys()])
  for (const [name, text] of folder.files) assert.equal(again.files.get(name), text, name)
  const other = buildFolder(simulateWorld({ ...YEAR, seed: 2 }))
  assert.notEqual(other.files.get('truth.csv'), folder.files.get('truth.csv'))
})

test('a year: 6–10 suppliers, 100–300 products, about 10 orders a weekday, well under 10,000 files', () => {
  const c = folder.counts
  assert.ok(c.suppliers >= 6 && c.suppliers <= 10, `${c.suppliers} suppliers`)
  assert.ok(c.products >= 100 && c.products <= 300, `${c.products} products`)
  assert.ok(c.orders > 2800 && c.orders < 5000, `${c.orders} orders`)
  assert.ok(c.files < 10_000, `${c.files} files`)
  assert.equal(new Set(world.suppliers.map((s) => s.postalCode[0])).size >= 5, true, 'ship-from in several regions')
})

test('the truth holds together: placed ≤ shipped ≤ delivered, never delivered on a Sunday or a US public holiday', async () => {
  const holidays = usHolidays(2026, 2027)
  const truth = await rows(folder.files.get('truth.csv')!)
  assert.equal(truth.length, folder.counts.lines)
  let delivered = 0
  for (const t of truth) {
    const placed = localDay(new Date(t.placed_at), YEAR.zone)
    if (t.ship_day) assert.ok(t.ship_day >= placed, `${t.order_number}/${t.line_no} shipped ${t.ship_day} before placed ${placed}`)
    if (t.ship_day) assert.ok(![0, 6].includes(weekday(t.ship_day)) && !holidays.has(t.ship_day), `${t.order_number} shipped on ${t.ship_day}`)
    if (!t.delivered_day) continue
    delivered++
    assert.ok(t.delivered_day > t.ship_day, `${t.order_number}/${t.line_no} delivered ${t.delivered_day}, shipped ${t.ship_day}`)
    assert.notEqual(weekday(t.delivered_day), 0, `${t.order_number} delivered on Sunday ${t.delivered_day}`)
    assert.ok(!holidays.has(t.delivered_day), `${t.order_number} delivered on the holiday ${t.delivered_day}`)
    assert.ok(['UPS', 'FedEx', 'USPS'].includes(t.carrier) && t.service.startsWith(t.carrier), t.service)
    if (weekday(t.delivered_day) === 6) assert.ok(/Home Delivery|USPS/.test(t.service), `${t.order_number}: ${t.service} delivered on Saturday ${t.delivered_day}`)
  }
  assert.ok(delivered > 0.9 * truth.length, `${delivered} of ${truth.length} delivered`)
})

test('backorders last from a day to more than a month, and come more often in Nov–Dec than in spring', async () => {
  const truth = await rows(folder.files.get('truth.csv')!)
  const waits = truth.filter((t) => t.backordered === 'true' && t.ship_day).map((t) => calendarDays(localDay(new Date(t.placed_at), YEAR.zone), t.ship_day))
  assert.ok(Math.min(...waits) <= 3, `shortest ${Math.min(...waits)} days`)
  assert.ok(Math.max(...waits) > 30, `longest ${Math.max(...waits)} days`)
  const rate = (months: string[]) => {
    const of = truth.filter((t) => months.includes(t.placed_at.slice(5, 7)))
    return of.filter((t) => t.backordered === 'true').length / of.length
  }
  assert.ok(rate(['11', '12']) > 1.5 * rate(['03', '04', '05']), `Nov–Dec ${rate(['11', '12'])} vs spring ${rate(['03', '04', '05'])}`)
  // Some suppliers state dates, some do not; some stated dates are early.
  const stated = truth.filter((t) => t.stated_ship_date && t.ship_day)
  assert.ok(stated.some((t) => t.stated_ship_date < t.ship_day) && stated.some((t) => t.stated_ship_date === t.ship_day))
  assert.ok(truth.some((t) => t.backordered === 'true' && !t.stated_ship_date))
})

test('every tracking number passes wismo\'s detection as its own carrier; some scans are lost, some delivered scans come a file late', () => {
  let lost = 0
  for (const l of world.lines) {
    assert.equal(detectCarrier(l.shipment.trackingNumber), l.shipment.carrier, l.shipment.trackingNumber)
    if (!l.shipment.trip.events.some((e) => e.status === 'out_for_delivery')) lost++
  }
  assert.ok(lost > 0)
  const files = [...folder.files.keys()].filter((f) => f.startsWith('carrier/'))
  const late = files.filter((f) => folder.files.get(f)!.split('\n').some((line) => {
    if (!line) return false
    const e = JSON.parse(line) as { status: string; occurred_at: string }
    return e.status === 'delivered' && localDay(new Date(e.occurred_at), YEAR.zone) < f.slice(8, 18)
  }))
  assert.ok(late.length > 0, 'no delivered scan arrived a day late')
})
