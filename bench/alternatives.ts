/**
 * Alternatives: the finder over many open lines with a large offers table (candidates found by
 * SKU, family and equivalents through indexes — the plan is checked for sequential scans), and
 * the cold customer lookup of an order with alternatives against one without.
 *
 *   ALT_LINES=100000     open lines (half backordered by empty stock, half processing)
 *   ALT_OFFERS=1000000   offers (10 suppliers per SKU, so ALT_OFFERS/10 SKUs in families of 10)
 *   ALT_LOOKUPS=300      cold lookups of each kind
 *   BENCH_DB             pglite | postgres | both (default postgres here: 1M offers on PGlite is slow to seed)
 */
import os from 'node:os'
import { databases, fmt, intEnv, log, machineLine, secs, today, withBenchDb, type BenchDb } from './common.ts'
import { DEFAULT_CALENDAR } from '../src/domain/calendar.ts'
import { findAlternatives } from '../src/domain/alternatives.ts'
import { candidatesFor, lineFit, loadAlternativeInputs } from '../src/store/alternatives.ts'
import { loadOrderSnapshot } from '../src/store/order-snapshot.ts'
import { deriveOrder } from '../src/status/order-status.ts'

export const ALTERNATIVES_HEADING = '## Alternatives: finder and cold lookups'

interface AltRun {
  label: string
  version: string
  notes: string
  lines: number
  offers: number
  seedMs: number
  finderMs: number
  found: number
  seqScans: string[]
  coldWith: number[]
  coldWithout: number[]
}

const NOW = new Date('2026-03-04T15:00:00Z')

async function seed(db: BenchDb['db'], lines: number, offers: number): Promise<void> {
  const skus = Math.max(10, Math.floor(offers / 10))
  await db.query(`INSERT INTO suppliers (supplier_id, name, lead_time_days) SELECT 'S' || i, 'Supplier ' || i, 1 + i % 5 FROM generate_series(0, 9) i`)
  await db.query(
    `INSERT INTO products (sku, name, brand, family, color, size, price)
     SELECT 'P' || i, 'Product ' || i, 'B' || (i / 10) % 2, 'F' || i / 10, 'c' || i % 10, NULL, 20 + i % 50 FROM generate_series(0, $1 - 1) i`,
    [skus],
  )
  // Stock 0 at the line's own supplier (S<sku % 10>) makes it backordered; others have stock.
  await db.query(
    `INSERT INTO offers (supplier_id, sku, supplier_sku, cost, available_qty, lead_time_days, updated_at)
     SELECT 'S' || s, 'P' || i, 'V' || i || '-' || s, 10 + s, CASE WHEN s = i % 10 AND i % 2 = 0 THEN 0 ELSE (i * 31 + s * 17) % 7 END,
            1 + (i + s) % 9, '2026-03-01'
       FROM generate_series(0, $1 - 1) i, generate_series(0, 9) s`,
    [skus],
  )
  await db.query(
    `INSERT INTO equivalents (sku, equivalent_sku)
     SELECT 'P' || i, 'P' || ((i + 10) % $1) FROM generate_series(0, $1 - 1, 3) i
     UNION SELECT 'P' || ((i + 10) % $1), 'P' || i FROM generate_series(0, $1 - 1, 3) i`,
    [skus],
  )
  await db.query(`INSERT INTO customers (email, name) VALUES ('bench@example.com', 'Bench')`)
  await db.query(
    `INSERT INTO orders (order_number, placed_at, customer_id, postal_code)
     SELECT 'B' || i, '2026-03-02T12:00:00Z', 1, '30301' FROM generate_series(0, $1 - 1) i`,
    [lines],
  )
  await db.query(
    `INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id, state, dirty)
     SELECT o.order_id, 1, 'P' || (o.order_id * 7919 % $1), 1, 'S' || ((o.order_id * 7919 % $1) % 10),
            CASE WHEN (o.order_id * 7919 % $1) % 2 = 0 THEN 'backordered' ELSE 'processing' END, false
       FROM orders o`,
    [skus],
  )
  await db.query(
    `INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty)
     SELECT l.order_line_id, l.supplier_id, 'B' || l.order_id, '1', l.sku, 1 FROM order_lines l`,
  )
  await db.query('ANALYZE')
}

async function seqScansOf(db: BenchDb['db'], skus: string[]): Promise<string[]> {
  // The candidates statement, explained with the same arguments as a finder batch.
  const { CANDIDATES_SQL_FOR_EXPLAIN } = await import('../src/store/alternatives.ts')
  const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${CANDIDATES_SQL_FOR_EXPLAIN}`, [skus, [1, 2, 3]])
  return [...new Set(plan.map((r) => /Seq Scan on (\w+)/.exec(r['QUERY PLAN'])?.[1]).filter((t): t is string => Boolean(t)))]
}

async function runFinder(db: BenchDb['db'], lines: number): Promise<{ ms: number; found: number }> {
  const t = performance.now()
  let found = 0
  const batch = 500
  for (let after = 0; ; ) {
    const rows = await db.query<{ order_line_id: number; sku: string; supplier_id: string }>(
      `SELECT order_line_id, sku, supplier_id FROM order_lines WHERE NOT closed AND state = 'backordered' AND order_line_id > $1
        ORDER BY order_line_id LIMIT $2`,
      [after, batch],
    )
    if (rows.length === 0) break
    after = rows[rows.length - 1].order_line_id
    const inputs = await loadAlternativeInputs(db, rows.map((r) => ({ orderLineId: r.order_line_id, sku: r.sku })))
    for (const r of rows) {
      const alts = findAlternatives({
        ...candidatesFor(inputs, r.sku),
        line: { sku: r.sku, supplierId: r.supplier_id, openQty: 1, unitPrice: inputs.unitPrice.get(r.order_line_id) ?? null,
          family: inputs.family.get(r.sku) ?? null, ...lineFit(inputs, r.sku), state: 'backordered', eta: null },
        reserved: inputs.reserved, today: '2026-03-04', calendar: DEFAULT_CALENDAR,
      })
      found += alts.length
    }
  }
  void lines
  return { ms: performance.now() - t, found }
}

async function coldLookups(db: BenchDb['db'], state: string, n: number): Promise<number[]> {
  const orders = await db.query<{ order_number: string }>(
    `SELECT o.order_number FROM orders o JOIN order_lines l USING (order_id) WHERE l.state = $1 ORDER BY o.order_id LIMIT $2`,
    [state, n],
  )
  const times: number[] = []
  for (const o of orders) {
    const t = performance.now()
    const snap = await loadOrderSnapshot(db, o.order_number)
    await deriveOrder(db, snap!, { now: NOW, calendar: DEFAULT_CALENDAR })
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))] ?? NaN

/** Runs the suite on each configured database. */
export async function benchAlternatives(): Promise<AltRun[]> {
  const lines = intEnv('ALT_LINES', 100_000)
  const offers = intEnv('ALT_OFFERS', 1_000_000)
  const lookups = intEnv('ALT_LOOKUPS', 300)
  const kinds = process.env.BENCH_DB ? databases() : (['postgres'] as const)
  const runs: AltRun[] = []
  for (const kind of kinds) {
    const run = await withBenchDb(kind, {}, async (b) => {
      log(`alternatives on ${b.label}: seeding ${fmt(lines)} lines, ${fmt(offers)} offers…`)
      const t = performance.now()
      await seed(b.db, lines, offers)
      const seedMs = performance.now() - t
      log(`  seeded in ${secs(seedMs)}`)
      const seqScans = await seqScansOf(b.db, ['P0', 'P2', 'P4'])
      const f = await runFinder(b.db, lines)
      log(`  finder over the backordered lines: ${secs(f.ms)}, ${fmt(f.found)} alternatives`)
      const coldWith = await coldLookups(b.db, 'backordered', lookups)
      const coldWithout = await coldLookups(b.db, 'processing', lookups)
      return { label: b.label, version: b.version, notes: b.notes, lines, offers, seedMs, finderMs: f.ms, found: f.found, seqScans, coldWith, coldWithout }
    })
    if (run) runs.push(run)
  }
  return runs
}

/** The section for docs/benchmarks.md. */
export function alternativesSection(runs: AltRun[], load: number): string {
  const rows = runs.map((r) => {
    const backordered = Math.round(r.lines / 2)
    return `| ${r.label} | ${fmt(r.lines)} | ${fmt(r.offers)} | ${secs(r.finderMs)} (${fmt((backordered / r.finderMs) * 1000)} lines/s) | ${r.seqScans.length ? r.seqScans.join(', ') : 'none'} | ${pct(r.coldWithout, 0.5).toFixed(1)} / ${pct(r.coldWithout, 0.95).toFixed(1)} ms | ${pct(r.coldWith, 0.5).toFixed(1)} / ${pct(r.coldWith, 0.95).toFixed(1)} ms | ${(pct(r.coldWith, 0.5) / pct(r.coldWithout, 0.5)).toFixed(2)}× |`
  })
  return [
    ALTERNATIVES_HEADING, '',
    `Measured ${today()} with \`BENCH_SUITES=alternatives npm run bench\` (bench/alternatives.ts).`, '',
    machineLine(load, runs.map((r) => ({ label: r.label, version: r.version, notes: r.notes }))), '',
    'The finder runs over every backordered line (half of the open lines) in batches of 500: one statement per batch loads the',
    'candidates (same SKU by `offers_sku`, family by `products_family`, equivalents by their primary key) and the pure finder ranks them.',
    'A cold lookup reads and derives one order without its stored view; "with" orders have a backordered line (so the candidates are',
    'read), "without" ones do not (no extra statement). Sequential scans: tables the candidates plan reads whole (should be none).',
    'A heavy case on purpose: every backordered line has ~100 candidate offers (a family of 10 SKUs, each from 10 suppliers, plus',
    'equivalents), so a batch of 500 lines reads and ranks ~50k offers. The stored customer view carries the alternatives, so only the',
    'first lookup after a change pays this.', '',
    '| database | open lines | offers | finder (all backordered lines) | seq scans in the candidates plan | cold lookup without alternatives p50 / p95 | with alternatives p50 / p95 | ratio p50 |',
    '|---|---|---|---|---|---|---|---|',
    ...rows, '',
  ].join('\n')
}

void os
