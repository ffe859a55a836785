/**
 * The status suite's day: orders loaded and swept the evening before, then an 846 from every
 * supplier in the night (most items repeating what is known, one in CHANGE_EVERY changing stock
 * or restock date), then the first sweep after midnight. What a customer meets in the morning.
 */
import type { Db } from '../../src/store/db.ts'
import { runSweep, type SweepResult } from '../../src/jobs/sweep.ts'
import { calendarFrom } from '../../src/status/calendar-config.ts'
import { ingestSupplierFeed } from '../../src/feeds/ingest-file.ts'
import { log, secs } from '../common.ts'

export const EVENING = '2025-06-16T22:00:00Z'
export const FEEDS_AT = '2025-06-17T04:00:00Z'
export const MORNING_SWEEP = '2025-06-17T06:00:00Z'
export const MORNING = '2025-06-17T09:00:00Z'
const CHANGE_EVERY = 20

export interface SweepRun { at: string; ms: number; result: SweepResult }
export interface FeedsRun { files: number; items: number; changed: number; linesMarked: number; ms: number }

/** One sweep as the worker runs it (calendar from the database, grace 1 day). */
export async function sweepAt(db: Db, at: string): Promise<SweepRun> {
  const now = new Date(at)
  const t = performance.now()
  const result = await runSweep(db, { now, calendar: await calendarFrom(db, { holidays: [] }), delayGraceDays: 1 })
  const ms = performance.now() - t
  log(`sweep at ${at}: ${result.examined} lines, ${result.viewsWritten} views written, ${secs(ms)}`)
  return { at, ms, result }
}

const pad = (s: string, n: number) => s.padEnd(n, ' ').slice(0, n)
const ymd = (d: string) => d.replace(/-/g, '')

/** The supplier's 846: every offer it has, item k changed when k % CHANGE_EVERY = 0 (stock out, or back in). */
function build846(ediId: string, control: number, offers: { sku: string; qty: number | null; restock: string | null }[]): Buffer {
  const isa13 = String(control).padStart(9, '0')
  const seg = [
    ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(ediId, 15), 'ZZ', pad('WISMO', 15), '250617', '0400', 'U', '00401', isa13, '0', 'P', '>'].join('*'),
    `GS*IB*${ediId}*WISMO*20250617*0400*${control}*X*004010`, 'ST*846*0001', `BIA*00*MM*INV-${control}*20250617`,
  ]
  const body: string[] = []
  offers.forEach((o, k) => {
    let qty = o.qty ?? 0
    let restock = o.restock
    if (k % CHANGE_EVERY === 0) [qty, restock] = qty > 0 ? [0, '2025-07-15'] : [25, null]
    body.push(`LIN**BP*${o.sku}`, `QTY*33*${qty}*EA`)
    if (restock) body.push(`DTM*018*${ymd(restock)}`)
  })
  seg.push(...body, `CTT*${offers.length}`, `SE*${body.length + 4}*0001`, `GE*1*${control}`, `IEA*1*${isa13}`)
  return Buffer.from(seg.join('~\n') + '~\n')
}

/** An 846 from every supplier with an EDI id, each through the real ingest; fails loudly if one is not applied. */
export async function dayOfFeeds(db: Db): Promise<FeedsRun> {
  const suppliers = await db.query<{ supplier_id: string; edi_id: string }>(
    'SELECT supplier_id, edi_id FROM suppliers WHERE edi_id IS NOT NULL ORDER BY supplier_id')
  const run: FeedsRun = { files: 0, items: 0, changed: 0, linesMarked: 0, ms: 0 }
  const t = performance.now()
  for (const [i, s] of suppliers.entries()) {
    const offers = await db.query<{ sku: string; qty: number | null; restock: string | null }>(
      'SELECT sku, available_qty AS qty, restock_date::text AS restock FROM offers WHERE supplier_id = $1 ORDER BY sku', [s.supplier_id])
    const out = await ingestSupplierFeed(db, {
      body: build846(s.edi_id, 7000 + i, offers), filename: `846-${s.supplier_id}.edi`, supplierId: null, source: 'bench',
      receivedAt: new Date(Date.parse(FEEDS_AT) + i * 60_000),
    })
    const summary = JSON.stringify(out)
    if (!/applied/.test(summary) || /quarantin/.test(summary)) throw new Error(`846 of ${s.supplier_id} not applied: ${summary.slice(0, 400)}`)
    const m = /(\d+) items?: \d+ offers? found, (\d+) changed, (\d+) open lines? to re-check/.exec(summary)
    if (!m) throw new Error(`846 of ${s.supplier_id}: no offer summary in ${summary.slice(0, 400)}`)
    run.files++
    run.items += Number(m[1])
    run.changed += Number(m[2])
    run.linesMarked += Number(m[3])
  }
  run.ms = performance.now() - t
  log(`846 from ${run.files} suppliers: ${run.items} items, ${run.changed} offers changed, ${run.linesMarked} open lines marked, ${secs(run.ms)}`)
  if (run.changed === 0 || run.changed > run.items / 5) throw new Error(`846s changed ${run.changed} of ${run.items} offers: expected about 1 in ${CHANGE_EVERY}`)
  return run
}

/** Orders whose stored view a lookup at `at` would serve as stored (same version, calendar key as stored by this run, not expired). */
export async function validViews(db: Db, at: string): Promise<{ orders: number; valid: number }> {
  const [r] = await db.query<{ orders: number; valid: number }>(
    `SELECT count(*)::int AS orders,
            count(*) FILTER (WHERE v.order_version = o.version AND (v.valid_until IS NULL OR v.valid_until > $1))::int AS valid
       FROM orders o LEFT JOIN order_views v USING (order_id)`, [at])
  return r
}
