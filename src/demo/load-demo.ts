/**
 * Loads the demo through wismo's real doors: the CSVs through `importCsv`, the supplier feeds
 * through `ingestSupplierFeed` and the carrier events through `ingestMessage`, each with its
 * own past receivedAt, oldest first — so what the demo shows is what wismo made of its inputs.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Db, Queryable } from '../store/db.ts'
import { importCsv } from '../store/import/import-csv.ts'
import { ingestSupplierFeed } from '../feeds/ingest-file.ts'
import { ingestMessage, type IngestOutcome } from '../store/inbound.ts'
import { applyCarrierEvents, parseCarrierEvents } from '../carriers/carrier-events.ts'
import { DomainError } from '../domain/errors.ts'
import { generateDemo, type DemoData, type DemoExample } from './generate.ts'
import type { DemoFeed } from './feeds.ts'

export interface LoadDemoOptions {
  now: Date
  seed?: number
  log?: (s: string) => void
}

export interface LoadDemoResult {
  orders: number
  lines: number
  /** Supplier status feeds ingested. */
  feeds: number
  /** Carrier events ingested. */
  events: number
}

const KINDS = ['suppliers', 'products', 'offers', 'equivalents', 'orders'] as const
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

async function importAll(db: Db, data: DemoData, log: (s: string) => void): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wismo-demo-'))
  try {
    for (const kind of KINDS) {
      const file = path.join(dir, `${kind}.csv`)
      await fs.writeFile(file, data.csv[kind])
      const r = await importCsv(db, kind, file, { now: data.now })
      log(`imported ${kind}: ${r.rows} rows`)
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}

function ingestOne(db: Db, f: DemoFeed): Promise<IngestOutcome> {
  const body = Buffer.from(f.body, 'utf8')
  if (f.kind === 'supplier') {
    return ingestSupplierFeed(db, { body, filename: f.filename, supplierId: f.supplierId, source: 'demo', receivedAt: f.receivedAt })
  }
  return ingestMessage(
    db,
    { kind: 'carrier_events', source: 'demo', filename: f.filename, body, receivedAt: f.receivedAt },
    (tx, messageId) => applyCarrierEvents(tx, messageId, parseCarrierEvents(f.body)),
  )
}

/** Feeds and carrier files in the order they arrived; every one must apply (the demo is ours). */
async function ingestAll(db: Db, data: DemoData, log: (s: string) => void): Promise<void> {
  let done = 0
  for (const f of data.feeds) {
    const outcome = await ingestOne(db, f)
    if (outcome.outcome !== 'applied') {
      const why = outcome.outcome === 'quarantined' ? outcome.reason : `duplicate of message ${outcome.duplicateOf}`
      throw new Error(`demo: ${f.filename} was not applied: ${why}`)
    }
    done++
    if (done % 50 === 0 || done === data.feeds.length) log(`ingested ${done}/${data.feeds.length} feeds and carrier files`)
  }
}

/**
 * Loads the demo into an empty database. Refuses (DomainError DEMO_NOT_EMPTY, nothing changed)
 * when there are orders already: a second load never duplicates anything.
 */
export async function loadDemo(db: Db, opts: LoadDemoOptions): Promise<LoadDemoResult> {
  const log = opts.log ?? (() => {})
  const data = generateDemo({ now: opts.now, seed: opts.seed })
  log(`generated the demo (seed ${data.seed}): ${data.counts.orders} orders, ${data.counts.lines} lines`)
  await claim(db, data.examples)
  try {
    await importAll(db, data, log)
    // Fresh statistics for the tables the import just filled: every feed's lookups plan on them.
    await db.query('ANALYZE')
    await ingestAll(db, data, log)
  } catch (err) {
    // Let a retry start over if nothing landed; a half-loaded demo keeps its orders (and refuses a reload).
    await db.query('DELETE FROM demo_examples').catch(() => {})
    throw err
  }
  return { orders: data.counts.orders, lines: data.counts.lines, feeds: data.counts.supplierFeeds, events: data.counts.events }
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
