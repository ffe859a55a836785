import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { freshDb } from '../helpers/db.ts'
import type { Db } from '../../src/store/db.ts'
import { generateDemo, type DemoData } from '../../src/demo/generate.ts'
import { demoExamples, loadDemo, loadDemoIfEmpty } from '../../src/demo/load-demo.ts'
import { demoCommand } from '../../src/cli/demo.ts'
import type { CliContext } from '../../src/cli/context.ts'
import { fixedClock } from '../../src/clock.ts'
import { getOrderStatus, type DerivedOrder } from '../../src/status/order-status.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { detectCarrier } from '../../src/carriers/tracking-number.ts'
import { addCalendarDays, localDay } from '../../src/domain/calendar.ts'
import { LINE_STATES } from '../../src/domain/types.ts'
import { DEFAULT_CALENDAR } from '../../src/domain/calendar.ts'
import { demoAlternativeToTry, describeAlternativeToTry } from '../../src/demo/alternative-example.ts'
import fs from 'node:fs'
import { demoTestConfig } from '../helpers/demo-config.ts'

const NOW = new Date('2026-11-27T15:00:00Z')
const TODAY = localDay(NOW, DEFAULT_CALENDAR)
// The demo sends its messages as `npm start` does (.eml files in the outbox): a folder of the test's own.
const CONFIG = demoTestConfig()

/** The demo command run against `db` (no child process: the loaded database is in this one). */
async function runDemoCommand(db: Db, flags: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const ctx: CliContext = {
    db: async () => db, clock: fixedClock(NOW), config: CONFIG, isTTY: false,
    out: (s) => out.push(s), err: (s) => err.push(s),
  }
  const code = await demoCommand(ctx, { positionals: [], flags })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

async function counts(db: Db): Promise<Record<string, number>> {
  const tables = ['orders', 'order_lines', 'po_lines', 'customers', 'products', 'offers', 'inbound_messages', 'supplier_signals', 'shipments', 'carrier_events', 'demo_examples']
  const result: Record<string, number> = {}
  for (const t of tables) result[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n
  return result
}

describe('demo generation', () => {
  test('is deterministic: the same seed and now give the same files', () => {
    const a = generateDemo({ now: NOW, seed: 7 })
    const b = generateDemo({ now: NOW, seed: 7 })
    assert.deepEqual(a.csv, b.csv)
    assert.deepEqual(a.examples, b.examples)
    const files = (d: DemoData) => d.feeds.map((f) => [f.filename, f.receivedAt.toISOString(), f.body])
    assert.deepEqual(files(a), files(b))
    assert.notEqual(generateDemo({ now: NOW, seed: 8 }).csv.orders, a.csv.orders)
  })

  test('looks like a retailer: suppliers, 300+ SKUs, 2,000 orders with unique emails, real tracking shapes', () => {
    const d = generateDemo({ now: NOW })
    const rows = (csv: string) => csv.trim().split('\n').length - 1
    assert.ok(rows(d.csv.suppliers) >= 5)
    assert.ok(rows(d.csv.products) >= 300)
    assert.ok(rows(d.csv.equivalents) > 0)
    assert.equal(d.counts.orders, 2000)
    const emails = new Map<string, string>()
    for (const line of d.csv.orders.trim().split('\n').slice(1)) {
      const [order, placedAt, , email] = line.split(',')
      assert.ok(emails.get(email) === undefined || emails.get(email) === order, `email ${email} used by two orders`)
      emails.set(email, order)
      assert.ok(placedAt < NOW.toISOString() && placedAt > addCalendarDays(TODAY, -46), placedAt)
    }
    const numbers = d.feeds.filter((f) => f.kind === 'supplier').flatMap((f) => f.body.trim().split('\n').slice(1).map((l) => l.split(',').pop()!)).filter(Boolean)
    assert.ok(numbers.length > 1000)
    for (const n of numbers) assert.ok(['UPS', 'USPS', 'FedEx'].includes(detectCarrier(n) ?? ''), n)
    assert.ok(d.feeds.every((f) => f.receivedAt <= NOW))
  })
})

describe('the loaded demo', () => {
  let db: Db
  let data: DemoData
  let cli: { code: number; out: string; err: string }
  const derived = new Map<string, DerivedOrder>()

  before(async () => {
    db = await freshDb()
    cli = await runDemoCommand(db)
    // The store's calendar as `wismo demo` has it: the US public holidays (Veterans Day,
    // Thanksgiving the day before NOW) are not business days, and the demo was made with them.
    const calendar = await calendarFrom(db, CONFIG, NOW)
    assert.ok(calendar.holidays.includes('2026-11-26'))
    data = generateDemo({ now: NOW, holidays: calendar.holidays })
    // Every order of a sample of each story (deriving all 2,000 takes longer than it tells).
    const perStory = new Map<string, number>()
    for (const s of data.stories) {
      const seen = perStory.get(s.story) ?? 0
      perStory.set(s.story, seen + 1)
      if (seen >= 8 || derived.has(s.orderNumber)) continue
      derived.set(s.orderNumber, (await getOrderStatus(db, s.orderNumber, { now: NOW, calendar }))!)
    }
    for (const e of data.examples) derived.set(e.orderNumber, (await getOrderStatus(db, e.orderNumber, { now: NOW, calendar }))!)
  })
  after(async () => db.close())

  test('`wismo demo` loads it and prints counts and the three examples with emails', async () => {
    assert.equal(cli.code, 0, cli.err)
    assert.match(cli.out, /2000 orders \(\d+ lines\), \d+ supplier status feeds, \d+ carrier events/)
    for (const e of data.examples) assert.match(cli.out, new RegExp(`${e.label}\\s+${e.orderNumber}\\s+${e.email.replace(/\./g, '\\.')}`))
    const c = await counts(db)
    assert.equal(c.orders, 2000)
    assert.equal(c.order_lines, data.counts.lines)
    assert.equal(c.carrier_events, data.counts.events)
    assert.deepEqual(await demoExamples(db, NOW), data.examples)
  })

  test('every line state occurs, each line where its story or wismo took it, and a line is split', async () => {
    const stored = await db.query<{ state: string }>('SELECT DISTINCT state FROM order_lines')
    assert.deepEqual(stored.map((r) => r.state).sort(), [...LINE_STATES].sort())
    // Where the story's line was cancelled instead, wismo's rule (no consent, a rejection) or the
    // customer's answer (cancel, switch) did it, each on record.
    const decided = new Set((await db.query<{ k: string }>(
      `SELECT o.order_number || '/' || l.line_no AS k FROM order_lines l JOIN orders o USING (order_id)
        WHERE EXISTS (SELECT 1 FROM ftc_cancellations f WHERE f.order_line_id = l.order_line_id)
           OR EXISTS (SELECT 1 FROM line_choices c WHERE c.order_line_id = l.order_line_id AND c.choice <> 'wait')`,
    )).map((r) => r.k))
    let split = false
    const stories = new Map(data.stories.map((s) => [`${s.orderNumber}/${s.lineNo}`, s.story]))
    for (const d of derived.values()) {
      for (const l of d.lines) {
        const key = `${d.snapshot.orderNumber}/${l.snapshot.line.lineNo}`
        const story = stories.get(key)
        const target = story?.split('/')[0]
        if (decided.has(key) || !story) continue
        if (LINE_STATES.includes(target as never)) assert.equal(l.status.state, target, `${key} (${story})`)
        const q = l.status.quantities
        if ((q.backordered ?? 0) > 0 && ((q.in_transit ?? 0) + (q.delivered ?? 0) + (q.out_for_delivery ?? 0)) > 0) split = true
      }
    }
    assert.ok(split, 'a line with part shipped and part backordered')
  })

  test('the 45 days were lived day by day: notices in time, spread over the days, no cancellation for want of one', async () => {
    const reasons = await db.query<{ reason: string }>('SELECT DISTINCT reason FROM ftc_cancellations')
    assert.ok(!reasons.some((r) => r.reason === 'no_notice'), 'a line was cancelled for no notice')
    const days = (sql: string) => db.query<{ n: number }>(sql).then((r) => r[0].n)
    const zone = DEFAULT_CALENDAR.timeZone
    assert.ok(await days(`SELECT count(DISTINCT (created_at AT TIME ZONE '${zone}')::date)::int AS n FROM delay_notices`) >= 30)
    assert.ok(await days(`SELECT count(DISTINCT (sent_at AT TIME ZONE '${zone}')::date)::int AS n FROM notifications WHERE status = 'sent'`) >= 30)
    assert.ok(await days(`SELECT count(DISTINCT (created_at AT TIME ZONE '${zone}')::date)::int AS n FROM tasks`) >= 30)
    // Customers answered on their own days, through the real choice (some wait, some cancel, some switch).
    const choices = await db.query<{ choice: string; n: number }>('SELECT choice, count(*)::int AS n FROM line_choices GROUP BY choice')
    assert.deepEqual(choices.map((c) => c.choice).sort(), ['cancel', 'switch', 'wait'])
    // Time to notify: most notices leave within a day of the delay becoming known, not all at once.
    const lag = await db.query<{ d: number }>(
      `SELECT extract(epoch FROM (n.created_at - h.changed_at)) / 86400 AS d
         FROM delay_notices n JOIN LATERAL (SELECT min(changed_at) AS changed_at FROM line_state_history s
                WHERE s.order_line_id = n.order_line_id AND s.state IN ('delayed', 'backordered', 'unavailable')) h ON true
        WHERE n.kind = 'first'`,
    )
    assert.ok(lag.length > 100 && lag.every((r) => r.d >= 0), `${lag.length} first notices`)
    assert.ok(lag.filter((r) => r.d <= 1).length > lag.length * 0.8)
  })

  test("README's demo counts are the loaded demo's", async () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const m = /(\d+) suppliers, (\d+)\+ products, ([\d,]+) orders over the last (\d+) days/.exec(readme)
    assert.ok(m, 'README states the demo counts')
    const c = await counts(db)
    const [{ suppliers }] = await db.query<{ suppliers: number }>('SELECT count(*)::int AS suppliers FROM suppliers')
    assert.equal(Number(m[1]), suppliers)
    assert.ok(c.products >= Number(m[2]) && c.products < Number(m[2]) + 100, `${c.products} products`)
    assert.equal(Number(m[3].replace(/,/g, '')), c.orders)
    const [{ days }] = await db.query<{ days: number }>(`SELECT ($1::date - min((placed_at AT TIME ZONE '${DEFAULT_CALENDAR.timeZone}')::date))::int AS days FROM orders`, [TODAY])
    assert.ok(days <= Number(m[4]) && days >= Number(m[4]) - 1, `${days} days`)
    const sent = /its ([\d,]+) messages/.exec(readme)
    assert.ok(sent, 'README states how many messages the demo sent')
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notifications WHERE status = 'sent' AND channel = 'email'")
    assert.equal(fs.readdirSync(CONFIG.outboxDir).length, n)
    // README's figure is `npm start`'s, on the embedded database. A PostgreSQL server plays the same
    // days to within a few messages (the two order some ties differently; each is deterministic).
    const stated = Number(sent[1].replace(/,/g, ''))
    if (process.env.TEST_DATABASE_URL) assert.ok(Math.abs(n - stated) <= stated * 0.01, `${n} messages on PostgreSQL, README says ${stated}`)
    else assert.equal(n, stated)
  })

  test('the examples resolve the three ways', () => {
    const line = (label: string) => {
      const d = derived.get(data.examples.find((e) => e.label === label)!.orderNumber)!
      return d.lines[d.lines.length - 1].status
    }
    const easy = line('easy')
    assert.equal(easy.state, 'in_transit')
    assert.equal(easy.resolution, 'easy')
    assert.ok(easy.tracking.length > 0 && localDay(easy.tracking[0].shippedAt, DEFAULT_CALENDAR) > easy.promisedShipDate, 'shipped after its promise')
    assert.equal(easy.eta?.source, 'carrier')
    const mid = line('intermediate')
    assert.ok(['restocked', 'in_transit'].includes(mid.state), mid.state)
    assert.equal(mid.resolution, 'intermediate')
    const ugly = line('ugly')
    assert.equal(ugly.state, 'backordered')
    assert.equal(ugly.resolution, 'ugly')
    assert.ok(ugly.expectedShipDate && ugly.expectedShipDate >= addCalendarDays(TODAY, 14), `supplier date ${ugly.expectedShipDate}`)
    assert.equal(ugly.eta?.source, 'supplier')
    // The backordered example has real alternatives, sooner than its backorder.
    const d = derived.get(data.examples.find((e) => e.label === 'ugly')!.orderNumber)!
    const alts = d.lines[d.lines.length - 1].alternatives
    assert.ok(alts.length > 0, 'the ugly example has alternatives')
    assert.ok(alts.every((a) => a.daysSooner === null || a.daysSooner > 0))
  })

  test('the demo prints an alternative to try', async () => {
    const alt = await demoAlternativeToTry(db, data.examples, { now: NOW, calendar: DEFAULT_CALENDAR, secret: 'demo-test-secret-123456' })
    assert.ok(alt)
    assert.match(alt.command, /^wismo choose \S+ \d+ switch \S+$/)
    assert.match(describeAlternativeToTry(alt), /can switch to .* days sooner/)
  })

  test('a second load changes nothing', async () => {
    const beforeCounts = await counts(db)
    assert.equal(await loadDemoIfEmpty(db, { now: NOW, config: CONFIG }), false)
    await assert.rejects(loadDemo(db, { now: NOW, seed: 99, config: CONFIG }), (e: Error & { code?: string }) => e.code === 'DEMO_NOT_EMPTY')
    const again = await runDemoCommand(db, { seed: '5' })
    assert.equal(again.code, 0)
    assert.match(again.out, /already has 2000 orders.*Nothing changed/)
    assert.deepEqual(await counts(db), beforeCounts)
  })
})

test('no demo, no examples', async () => {
  const db = await freshDb()
  try {
    assert.deepEqual(await demoExamples(db, NOW), [])
  } finally {
    await db.close()
  }
})
