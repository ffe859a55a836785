/**
 * The monitoring sweep at scale, on PostgreSQL: N order lines, all dirty as an import leaves
 * them, with bench/load-orders.ts's mix of signals, shipments and carrier events. Times the first
 * full sweep (and each of its 500-line batches), a second one right after (nothing to do), and a
 * sweep after 1,000 lines got a supplier signal; compares with the bare minimum a sweep must write
 * (one UPDATE of `dirty` per 500 lines) over the same lines in the same run. Run at two sizes,
 * the full sweep's time is extrapolated to 1M lines (a full sweep of 1M takes longer than the
 * whole `npm run bench` may: BENCH_SWEEP_LINES=1000000 measures it).
 *
 *   BENCH_SWEEP_LINES=100000,200000   order lines to load, one fresh schema per size
 *   BENCH_SWEEP_CHANGED=1000          lines given a supplier signal before the third sweep
 *   BENCH_SWEEP_SQL="…"               SQL run after the load (an index to try); the section says so
 *   BENCH_SWEEP_SESSION_SQL="…"       SQL run on every pool session before the sweeps (e.g. SET plan_cache_mode = force_custom_plan)
 */
import { runSweep, type SweepResult } from '../src/jobs/sweep.ts'
import { DEFAULT_CALENDAR } from '../src/domain/calendar.ts'
import { applySignalsBatch } from '../src/feeds/apply-signals-batch.ts'
import { storeInbound } from '../src/store/inbound.ts'
import type { NormalizedSignal } from '../src/feeds/signal.ts'
import type { Db } from '../src/store/db.ts'
import { loadOrders, BENCH_NOW, type LoadResult } from './load-orders.ts'
import { fmt, intEnv, log, machineLine, secs, today, withBenchDb, type BenchDb } from './common.ts'
import { profileStatements, type Phase } from './statement-profile.ts'

export const SWEEP_HEADING = '## Sweep (issue 3)'
const SIZES = (process.env.BENCH_SWEEP_LINES || '100000,200000').split(',').map((x) => {
  const n = Number(x.trim())
  if (!Number.isInteger(n) || n < 1000) throw new Error(`BENCH_SWEEP_LINES: sizes of at least 1000 lines, comma-separated; got ${JSON.stringify(x)}`)
  return n
})
const TARGET = 1_000_000
const CHANGED = intEnv('BENCH_SWEEP_CHANGED', 1000)
// SQL to run after the load, e.g. an index to try: BENCH_SWEEP_SQL="CREATE INDEX … ; ANALYZE" (named in the section when set).
const EXTRA_SQL = process.env.BENCH_SWEEP_SQL?.trim() || null
const SESSION_SQL = process.env.BENCH_SWEEP_SESSION_SQL?.trim() || null

/** Runs `sql` on every session of the pool: the idle ones now, new ones as they connect. */
async function onEverySession(db: Db, sql: string, size: number): Promise<void> {
  db.pool.on('connect', (client) => void client.query(sql).catch(() => {}))
  const clients = await Promise.all(Array.from({ length: size }, () => db.pool.connect()))
  for (const c of clients) await c.query(sql)
  for (const c of clients) c.release()
}
const BATCH = 500
// 20 orders have 31 lines (bench/load-orders.ts: 1, 2 or 3 lines an order).
const ordersFor = (lines: number) => Math.max(1, Math.round((lines * 20) / 31))

interface Timed {
  ms: number
  result: SweepResult
  /** Each batch transaction's time, ms, in order. */
  batches: number[]
  /** Where the time went: each statement kind and the JavaScript before it, summed over the sweep. */
  phases: Phase[]
  /** Statements run, all batches together. */
  statements: number
}

export interface SweepRun {
  b: BenchDb
  load: LoadResult
  lines: number
  open: number
  full: Timed
  again: Timed
  markMs: number
  marked: number
  small: Timed
  bareMs: number
  tasksOpen: number
  states: Record<string, number>
}

const opts = () => ({ now: new Date(BENCH_NOW), calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })

/** runSweep on a Db that times each transaction (one per batch). */
async function timeSweep(plain: Db, label: string): Promise<Timed> {
  const batches: number[] = []
  const profile = profileStatements(plain)
  const db = profile.db
  const timed: Db = {
    ...db,
    async transaction(fn) {
      const t = performance.now()
      try {
        return await db.transaction(fn)
      } finally {
        batches.push(performance.now() - t)
      }
    },
  }
  const t = performance.now()
  const result = await runSweep(timed, opts())
  const ms = performance.now() - t
  log(`${label}: ${fmt(result.examined)} lines examined in ${secs(ms)} (${fmt(result.examined / (ms / 1000))} lines/s), ` +
    `${fmt(result.changed)} changed, ${fmt(result.tasksOpened)} tasks opened, ${fmt(result.tasksClosed)} closed` +
    (batches.length > 10 ? `; batches: first tenth ${avg(batches.slice(0, tenth(batches))).toFixed(0)} ms, last tenth ${avg(batches.slice(-tenth(batches))).toFixed(0)} ms` : ''))
  const phases = profile.phases()
  const statements = phases.filter((p) => !p.label.startsWith('js before')).reduce((a, p) => a + p.count, 0)
  if (result.examined > 0) {
    log(`  ${fmt(statements)} statements (${(statements / Math.max(1, batches.length)).toFixed(1)} a batch); where the time went:`)
    for (const p of phases.slice(0, 14)) log(`    ${p.label.padEnd(44)} ${secs(p.ms).padStart(8)} ${(100 * p.ms / ms).toFixed(1).padStart(5)}%  ×${fmt(p.count)}`)
  }
  return { ms, result, batches, phases, statements }
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
const tenth = (xs: unknown[]) => Math.max(1, Math.floor(xs.length / 10))

/** What a supplier says about `n` open lines today: a new date, a backorder, a shipment, a rejection. */
async function markChanged(db: Db, n: number): Promise<{ ms: number; marked: number }> {
  const picks = await db.query<{ po_number: string; po_line: string; sku: string; qty: number; order_line_id: number }>(
    `SELECT p.po_number, p.po_line, p.sku, p.qty, l.order_line_id
       FROM order_lines l JOIN po_lines p ON p.order_line_id = l.order_line_id AND p.active
      WHERE NOT l.closed ORDER BY hashint8(l.order_line_id) LIMIT $1`,
    [n],
  )
  const signals: NormalizedSignal[] = picks.map((p, i) => {
    const base = { poNumber: p.po_number, poLine: p.po_line, sku: p.sku, carrier: null, trackingNumber: null, location: `bench ${i}` }
    switch (i % 5) {
      case 0: return { ...base, status: 'accepted', qty: p.qty, expectedShipDate: '2025-06-20', rawCode: 'bench accepted' }
      case 1: return { ...base, status: 'backordered', qty: p.qty, expectedShipDate: '2025-07-15', rawCode: 'bench backordered' }
      case 2: return { ...base, status: 'rescheduled', qty: p.qty, expectedShipDate: '2025-06-27', rawCode: 'bench rescheduled' }
      case 3: return {
        ...base, status: 'shipped', qty: p.qty, expectedShipDate: null, carrier: 'UPS', service: 'Ground',
        trackingNumber: `1ZSWEEP${String(p.order_line_id).padStart(11, '0')}`, shippedAt: new Date('2025-06-16T10:00:00Z'), rawCode: 'bench shipped',
      }
      default: return { ...base, status: 'rejected', qty: p.qty, expectedShipDate: null, rawCode: 'bench rejected' }
    }
  })
  const t = performance.now()
  const receivedAt = new Date(BENCH_NOW)
  const stored = await storeInbound(db, {
    kind: 'supplier_csv', source: 'bench', filename: 'sweep-1k.csv', body: Buffer.from(`bench ${n} signals`), receivedAt,
  })
  await db.transaction((tx) => applySignalsBatch(tx, stored.messageId, null, signals, receivedAt))
  const ms = performance.now() - t
  const [{ marked }] = await db.query<{ marked: number }>('SELECT count(*)::int AS marked FROM order_lines WHERE dirty')
  log(`marked: ${fmt(signals.length)} signals applied with applySignalsBatch in ${secs(ms)}; ${fmt(marked)} lines dirty`)
  return { ms, marked }
}

/** The least a sweep of every line must write: `dirty = false`, 500 lines a statement, each its own transaction. */
async function bareUpdate(db: Db): Promise<number> {
  const ids = (await db.query<{ id: number }>('SELECT order_line_id AS id FROM order_lines ORDER BY order_line_id')).map((r) => r.id)
  const t = performance.now()
  for (let i = 0; i < ids.length; i += BATCH) {
    await db.query('UPDATE order_lines SET dirty = false WHERE order_line_id = ANY($1::bigint[])', [ids.slice(i, i + BATCH)])
  }
  const ms = performance.now() - t
  log(`bare: ${fmt(ids.length)} lines updated in ${BATCH}-line statements in ${secs(ms)} (${fmt(ids.length / (ms / 1000))} lines/s)`)
  return ms
}

export async function benchSweep(): Promise<SweepRun[]> {
  const runs: SweepRun[] = []
  for (const size of SIZES) {
    const r = await benchSize(size)
    if (r) runs.push(r)
  }
  return runs
}

async function benchSize(size: number): Promise<SweepRun | null> {
  log(`\n== Sweep: ${fmt(size)} lines on PostgreSQL`)
  return withBenchDb('postgres', { poolSize: 4 }, async (b) => {
    const { db } = b
    const orders = ordersFor(size)
    log(`loading ${fmt(orders)} orders, every line dirty…`)
    const load = await loadOrders(db, orders, { dirty: true })
    log(`loaded in ${secs(load.ms)}: ${load.steps.map((s) => `${s.step} ${secs(s.ms)}`).join(', ')}`)
    if (EXTRA_SQL) {
      log(`running BENCH_SWEEP_SQL: ${EXTRA_SQL}`)
      await db.query(EXTRA_SQL)
    }
    if (SESSION_SQL) {
      log(`running BENCH_SWEEP_SESSION_SQL on every session: ${SESSION_SQL}`)
      await onEverySession(db, SESSION_SQL, 4)
    }
    const [{ lines, open }] = await db.query<{ lines: number; open: number }>(
      'SELECT count(*)::int AS lines, (count(*) FILTER (WHERE NOT closed))::int AS open FROM order_lines WHERE dirty')
    log(`${fmt(lines)} dirty lines, ${fmt(open)} open`)
    const full = await timeSweep(db, 'sweep 1 (every line dirty)')
    const again = await timeSweep(db, 'sweep 2 (right after)')
    const mark = await markChanged(db, CHANGED)
    const small = await timeSweep(db, `sweep 3 (after ${fmt(CHANGED)} signals)`)
    const bareMs = await bareUpdate(db)
    const states = Object.fromEntries((await db.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM order_lines GROUP BY state ORDER BY n DESC')).map((r) => [r.state, r.n]))
    const [{ tasks }] = await db.query<{ tasks: number }>("SELECT count(*)::int AS tasks FROM tasks WHERE status = 'open'")
    return { b, load, lines, open, full, again, markMs: mark.ms, marked: mark.marked, small, bareMs, tasksOpen: tasks, states }
  })
}

/** Full-sweep time at TARGET lines from two sizes, as a·N + b·N² (b: what grows with the lines already swept). */
function extrapolate(runs: SweepRun[]): { ms: number; quadratic: boolean } | null {
  if (runs.length < 2) return null
  const [p, q] = [runs[0], runs[runs.length - 1]]
  const [n1, t1, n2, t2] = [p.full.result.examined, p.full.ms, q.full.result.examined, q.full.ms]
  if (n1 === n2) return null
  const b = (t2 / n2 - t1 / n1) / (n2 - n1)
  if (b <= 0) return { ms: (t2 / n2) * TARGET, quadratic: false }
  const a = t1 / n1 - b * n1
  return { ms: a * TARGET + b * TARGET * TARGET, quadratic: true }
}

const ms0 = (ms: number) => (ms >= 10_000 ? secs(ms) : `${ms.toFixed(0)} ms`)

export function sweepSection(runs: SweepRun[], loadAvg: number): string {
  const rate = (t: Timed) => t.result.examined / (t.ms / 1000)
  const per = (t: Timed) => t.ms / Math.max(1, t.result.examined)
  const big = runs[runs.length - 1]
  const x = extrapolate(runs)
  const states = Object.entries(big.states).map(([st, n]) => `${st} ${fmt(n)}`).join(', ')
  const rows = runs.flatMap((r) => [
    `| ${fmt(r.lines)} | 1. every line dirty (after an import) | ${fmt(r.full.result.examined)} | ${ms0(r.full.ms)} | ${fmt(rate(r.full))} | ${per(r.full).toFixed(3)} | ` +
      `${avg(r.full.batches.slice(0, tenth(r.full.batches))).toFixed(0)} → ${avg(r.full.batches.slice(-tenth(r.full.batches))).toFixed(0)} | ${fmt(r.full.result.tasksOpened)} |`,
    `| ${fmt(r.lines)} | 2. right after | ${fmt(r.again.result.examined)} | ${ms0(r.again.ms)} | – | – | – | ${fmt(r.again.result.tasksOpened)} |`,
    `| ${fmt(r.lines)} | 3. after ${fmt(CHANGED)} supplier signals | ${fmt(r.small.result.examined)} | ${ms0(r.small.ms)} | ${fmt(rate(r.small))} | ${per(r.small).toFixed(3)} | ` +
      `${avg(r.small.batches).toFixed(0)} | ${fmt(r.small.result.tasksOpened)} |`,
    `| ${fmt(r.lines)} | bare: \`UPDATE order_lines SET dirty = false WHERE order_line_id = ANY($1)\` | ${fmt(r.lines)} | ${ms0(r.bareMs)} | ` +
      `${fmt(r.lines / (r.bareMs / 1000))} | ${(r.bareMs / r.lines).toFixed(3)} | ${((r.bareMs / r.lines) * BATCH).toFixed(0)} | – |`,
  ])
  return [
    SWEEP_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/sweep.ts, \`BENCH_SUITES=sweep\`). Aim: the sweep's cost follows the lines that ` +
      'changed, not every line ever ordered; a full sweep costs at most **5×** a bare \`UPDATE\` of the same rows in the same run.' + (EXTRA_SQL ? ` **Not the schema as shipped:** run with \`BENCH_SWEEP_SQL="${EXTRA_SQL}"\`.` : '') +
      (SESSION_SQL ? ` **Not the sessions as shipped:** run with \`BENCH_SWEEP_SESSION_SQL="${SESSION_SQL}"\`.` : ''),
    '',
    '| lines loaded | sweep | lines examined | time | lines/s | ms per line | ms per 500-line batch (first tenth → last tenth) | tasks opened |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    ...runs.map((r) =>
      `- **${fmt(r.lines)} lines.** Sweep 2 examined ${fmt(r.again.result.examined)} lines (${ms0(r.again.ms)}). Sweep 3 took ${ms0(r.small.ms)} for ` +
      `${fmt(r.small.result.examined)} lines: ${per(r.small).toFixed(3)} ms a line against sweep 1's ${per(r.full).toFixed(3)} ` +
      `(${(per(r.small) / per(r.full)).toFixed(2)}×), ${(r.full.ms / r.small.ms).toFixed(0)}× less time for ${(r.full.result.examined / Math.max(1, r.small.result.examined)).toFixed(0)}× fewer lines. ` +
      `Sweep 1 took ${(r.full.ms / r.bareMs).toFixed(0)}× the bare UPDATE's time over the same lines (${ms0(r.full.ms)} against ${ms0(r.bareMs)}).`),
    ...(runs.length > 1 ? [`- **The same ${fmt(CHANGED)} changed lines, a bigger table:** sweep 3 took ${runs.map((r) => `${ms0(r.small.ms)} at ${fmt(r.lines)} lines`).join(', ')} ` +
      `(${(big.small.ms / runs[0].small.ms).toFixed(2)}× for ${(big.lines / runs[0].lines).toFixed(1)}× the lines): ` +
      (big.small.ms / runs[0].small.ms > 1.25 ? 'its cost does not follow the change alone; part of it grows with the table.' : 'its cost follows the change, not the table.')] : []),
    ...runs.map((r) => `- **Where sweep 1's time goes at ${fmt(r.lines)} lines** (bench/statement-profile.ts: every statement timed, and the JavaScript ` +
      `between statements named after the statement it feeds; two batches in flight, so the parts add up to more than the wall time): ` +
      `${fmt(r.full.statements)} statements, ${(r.full.statements / Math.max(1, r.full.batches.length)).toFixed(1)} a batch (no statement per line). ` +
      r.full.phases.slice(0, 12).map((p) => `${p.label.startsWith('js before') ? `JavaScript before ${p.label.slice(10)}` : `\`${p.label}\``} ${ms0(p.ms)} (×${fmt(p.count)})`).join('; ') + '.'),
    ...(x ? [`- **At ${fmt(TARGET)} lines (extrapolated, not measured here):** from the two sizes, a full sweep would take about ${secs(x.ms)} ` +
      `(${(x.ms / 60_000).toFixed(0)} min)` + (x.quadratic
        ? `, fitted as a·N + b·N²: the time per line grows with the lines already swept (${per(runs[0].full).toFixed(3)} ms a line at ` +
          `${fmt(runs[0].lines)}, ${per(big.full).toFixed(3)} at ${fmt(big.lines)}), so a linear guess from the small size (${secs(per(runs[0].full) * TARGET)}) is too low.`
        : '; the time per line does not grow with the size, so this is linear.')] : []),
    '',
    machineLine(loadAvg, [{ label: big.b.label, version: big.b.version, notes: big.b.notes }]),
    '',
    `**Data.** Per size, a fresh schema loaded by bench/load-orders.ts (set-based SQL; ${runs.map((r) => `${fmt(r.load.counts.orders)} orders in ${secs(r.load.ms)}`).join(', ')}), ` +
      `every order line dirty and never swept, as an import leaves them (at ${fmt(big.lines)}: ${fmt(big.open)} open, the rest cancelled; ` +
      `${fmt(big.load.counts.po_lines)} PO lines, ${fmt(big.load.counts.supplier_signals)} supplier signals: accepted, backordered with and without dates, ` +
      `partial, rescheduled, on hold, rejected, shipped; ${fmt(big.load.counts.shipments)} shipments with ${fmt(big.load.counts.carrier_events)} carrier events; ` +
      `20 suppliers), clock at ${BENCH_NOW}. States after sweep 1 at ${fmt(big.lines)}: ${states}; ${fmt(big.tasksOpen)} open rep tasks at the end.`,
    '',
    '**Method.** `runSweep(db, { now, calendar: DEFAULT_CALENDAR, delayGraceDays: 1 })` from src/jobs/sweep.ts (batches of 500 lines, ' +
      'one transaction each, on a pool of 4; a pass bigger than one batch runs two batches in flight, as two workers would; each batch transaction timed). Sweep 2 runs straight after sweep 1 with the same `now`. Then ' +
      `${fmt(CHANGED)} open lines (picked by a hash of their id) get one supplier signal each through \`applySignalsBatch\` ` +
      '(a fifth each accepted with a date, backordered, rescheduled, shipped with a tracking number, rejected), which marks them dirty ' +
      `(${runs.map((r) => `${fmt(r.marked)} dirty afterwards, applied in ${ms0(r.markMs)}`).join('; ')}; not counted in sweep 3). ` +
      `The bare baseline runs last, over every line id, ${BATCH} per statement, each statement its own transaction.`,
    '',
  ].join('\n')
}
