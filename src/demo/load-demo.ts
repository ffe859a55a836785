/**
 * Loads the demo through wismo's real doors, day by day: the catalog first, then each order
 * through `importCsv` when it was placed, each feed and carrier file when it was received, and
 * the real sweep, outreach and dispatch at their own times (src/demo/replay.ts) — so what the
 * demo shows, notices and their timing included, is what wismo made of its inputs.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Db, Queryable } from '../store/db.ts'
import type { Config } from '../config.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { importCsv } from '../store/import/import-csv.ts'
import { calendarFrom } from '../status/calendar-config.ts'
import { signingSecret } from '../store/secret.ts'
import { DomainError } from '../domain/errors.ts'
import { generateDemo, type DemoData, type DemoExample } from './generate.ts'
import { ordersOf, planReplay } from './replay-plan.ts'
import { replay, withScratchDir, type ReplayCounts, type ReplayEnv } from './replay.ts'

export interface LoadDemoOptions {
  now: Date
  /** The store's configuration: its zone, outreach settings and where messages go (outbox or SMTP). */
  config: Config
  seed?: number
  /** Number of orders (default 2,000; tests load fewer). */
  orders?: number
  log?: (s: string) => void
}

export interface LoadDemoResult {
  orders: number
  lines: number
  /** Supplier status feeds ingested. */
  feeds: number
  /** Carrier events ingested. */
  events: number
  /** What the replayed sweeps did. */
  replay: ReplayCounts
}

const CATALOG = ['suppliers', 'products', 'offers', 'equivalents'] as const
const LABELS = ['easy', 'intermediate', 'ugly']

async function hasOrders(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM orders) AS any')
  return rows[0].any
}

/**
 * Claims the empty database for the demo by recording its examples, under a table lock: of two
 * loaders started at once, the second finds the claim (or the orders) and refuses.
 */
async function claim(db: Db, examples: DemoExample[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('LOCK TABLE demo_examples IN EXCLUSIVE MODE')
    const claimed = await tx.query('SELECT 1 FROM demo_examples LIMIT 1')
    if (claimed.length > 0 || (await hasOrders(tx))) {
      throw new DomainError('DEMO_NOT_EMPTY', 'the database already has orders; the demo loads only into an empty one')
    }
    for (const e of examples) {
      await tx.query('INSERT INTO demo_examples (label, order_number, email) VALUES ($1, $2, $3)', [e.label, e.orderNumber, e.email])
    }
  })
}

/** The catalog as it stood before the first order (suppliers, products, offers, equivalents). */
async function importCatalog(db: Db, data: DemoData, at: Date, dir: string, log: (s: string) => void): Promise<void> {
  for (const kind of CATALOG) {
    const file = path.join(dir, `${kind}.csv`)
    await fs.writeFile(file, data.csv[kind])
    const r = await importCsv(db, kind, file, { now: at })
    log(`imported ${kind}: ${r.rows} rows`)
  }
}

/** The catalog first, then the 45 days played in order (src/demo/replay.ts). */
async function playDemo(db: Db, data: DemoData, calendar: CalendarConfig, opts: LoadDemoOptions, log: (s: string) => void): Promise<ReplayCounts> {
  const config = { ...opts.config, secret: await signingSecret(db, opts.config.secret) }
  const zone = calendar.timeZone ?? opts.config.timezone
  const steps = planReplay(data.feeds, data.csv.orders, data.now, zone)
  const { header } = ordersOf(data.csv.orders)
  return withScratchDir(async (dir) => {
    // An hour before the first order: the store was set up before it sold anything.
    await importCatalog(db, data, new Date(steps[0].at.getTime() - 3_600_000), dir, log)
    // Fresh statistics for the tables the import just filled: every step's lookups plan on them.
    await db.query('ANALYZE')
    const env: ReplayEnv = {
      db, config, calendar, header, dir, log, seed: data.seed, now: data.now, patientOrders: new Set(data.examples.map((e) => e.orderNumber)),
    }
    return replay(env, steps)
  })
}

/**
 * Loads the demo into an empty database. Refuses (DomainError DEMO_NOT_EMPTY, nothing changed)
 * when there are orders already: a second load never duplicates anything.
 */
export async function loadDemo(db: Db, opts: LoadDemoOptions): Promise<LoadDemoResult> {
  const log = opts.log ?? (() => {})
  // The demo's 45 days lie within the years around `now` the calendar's country holidays cover.
  const calendar = await calendarFrom(db, opts.config, opts.now)
  const data = generateDemo({ now: opts.now, seed: opts.seed, orders: opts.orders, holidays: calendar.holidays })
  log(`generated the demo (seed ${data.seed}): ${data.counts.orders} orders, ${data.counts.lines} lines`)
  await claim(db, data.examples)
  let played: ReplayCounts
  try {
    played = await playDemo(db, data, calendar, opts, log)
  } catch (err) {
    // Let a retry start over if nothing landed; a half-loaded demo keeps its orders (and refuses a reload).
    await db.query('DELETE FROM demo_examples').catch(() => {})
    throw err
  }
  return { orders: data.counts.orders, lines: data.counts.lines, feeds: data.counts.supplierFeeds, events: data.counts.events, replay: played }
}

/** Loads the demo only when the database has no orders; true when it did. */
export async function loadDemoIfEmpty(db: Db, opts: LoadDemoOptions): Promise<boolean> {
  if (await hasOrders(db)) return false
  try {
    await loadDemo(db, opts)
    return true
  } catch (err) {
    if (err instanceof DomainError && err.code === 'DEMO_NOT_EMPTY') return false
    throw err
  }
}

/**
 * The example orders of the loaded demo (easy, intermediate, ugly); empty when no demo is loaded.
 * `now` is accepted for symmetry with the other readers; the examples do not depend on it.
 */
export async function demoExamples(db: Queryable, _now: Date): Promise<{ label: string; orderNumber: string; email: string }[]> {
  const rows = await db.query<{ label: string; order_number: string; email: string }>(
    `SELECT e.label, e.order_number, e.email FROM demo_examples e
      WHERE EXISTS (SELECT 1 FROM orders o WHERE o.order_number = e.order_number)`,
  )
  return rows
    .sort((a, b) => LABELS.indexOf(a.label) - LABELS.indexOf(b.label))
    .map((r) => ({ label: r.label, orderNumber: r.order_number, email: r.email }))
}
