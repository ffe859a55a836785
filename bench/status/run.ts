/**
 * The customer's order status route the morning after a day of feeds, against a bare one-query
 * route in the same process, on PGlite and PostgreSQL: BENCH_ORDERS orders loaded and swept the
 * evening before, an 846 from every supplier in the night, the first sweep after midnight, then
 * lookups of random orders (morning) and, measured on its own, lookups of orders whose view was
 * removed (cold: derived and stored). The head read is first prepared while order_views is empty,
 * as in a fresh process; nothing here analyzes order_views before the rounds (the product must).
 *
 * Then the hot lookup (bench/status/hot.ts): one order whose view is stored, asked again and again
 * over 50 connections, against the same bare route.
 *
 *   BENCH_ORDERS=100000     orders to load
 *   BENCH_ROUNDS=3          rounds of bare / morning / cold, and of bare / hot
 *   BENCH_DURATION=5        seconds per route per round (after one 2 s warm-up round)
 *   BENCH_STATUS_EVENING=1  0: skip the evening sweep (the loaded lines are then all swept by the morning one: half the time)
 *   BENCH_STATUS_QUICK=1    small defaults for a check of the suite itself in a few minutes: 20,000 orders, 2 rounds of
 *                           3 s, no evening sweep (each knob above still wins when set)
 */
import type { Db } from '../../src/store/db.ts'
import { TestClock } from '../../src/clock.ts'
import { loadOrders, orderPairs, type LoadResult } from '../load-orders.ts'
import { cannon, startServer } from '../http-bench.ts'
import { databases, fmt, intEnv, log, secs, withBenchDb, type DbKind } from '../common.ts'
import { dayOfFeeds, sweepAt, validViews, EVENING, MORNING, type FeedsRun, type SweepRun } from './day.ts'
import { cachedPlan, headReadUs, interleavedRounds, type Rounds } from './measure.ts'
import { hotRounds, type HotRounds } from './hot.ts'

const QUICK = process.env.BENCH_STATUS_QUICK === '1'
const ORDERS = intEnv('BENCH_ORDERS', QUICK ? 20_000 : 100_000)
const DURATION = intEnv('BENCH_DURATION', QUICK ? 3 : 5)
const ROUNDS = intEnv('BENCH_ROUNDS', QUICK ? 2 : 3)
const WARMUP = 2
const EVENING_SWEEP = (process.env.BENCH_STATUS_EVENING ?? (QUICK ? '0' : '1')) !== '0'
const SANITY = 300
const CONNECTIONS: Record<DbKind, number> = { pglite: 4, postgres: 10 }

export interface StatusRun {
  kind: DbKind
  label: string
  version: string
  notes: string
  connections: number
  load: LoadResult
  evening: SweepRun | null
  feeds: FeedsRun
  morningSweep: SweepRun
  /** Orders whose stored view a lookup at 09:00 serves as stored. */
  valid: { orders: number; valid: number }
  /** Sweep-written views byte-identical to what a cold lookup derives. */
  same: { checked: number; same: number }
  plans: { empty: string; morning: string }
  /** One head read, sequential, µs: as the product left it, then after an explicit ANALYZE. */
  headUs: { asLeft: number; analyzed: number }
  rounds: Rounds
  /** One order again and again, 50 connections. */
  hot: HotRounds
  coldPool: number
}

/** A fixed shuffle (so a run can be repeated): every order appears once. */
function shuffled<T>(items: T[]): T[] {
  const out = items.slice()
  let seed = 20250616
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** Reads the stored (sweep-written) views of `pairs`, removes them, and asks the route: the cold answer must be the same bytes. */
async function sameAsCold(db: Db, app: { inject: (o: { url: string }) => Promise<{ statusCode: number; body: string }> }, pairs: [string, string][]) {
  const numbers = pairs.map((p) => p[0])
  const stored = new Map((await db.query<{ order_number: string; view: string }>(
    'SELECT o.order_number, v.view FROM order_views v JOIN orders o USING (order_id) WHERE o.order_number = ANY($1::text[])', [numbers],
  )).map((r) => [r.order_number, r.view]))
  await db.query('DELETE FROM order_views WHERE order_id IN (SELECT order_id FROM orders WHERE order_number = ANY($1::text[]))', [numbers])
  let same = 0
  for (const [number, email] of pairs) {
    const res = await app.inject({ url: `/api/orders/${encodeURIComponent(number)}/status?email=${encodeURIComponent(email)}` })
    if (res.statusCode === 200 && res.body === stored.get(number)) same++
  }
  return { checked: pairs.length, same }
}

async function benchOne(kind: DbKind): Promise<StatusRun | null> {
  log(`\n== Status route on ${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}`)
  return withBenchDb(kind, { poolSize: CONNECTIONS.postgres }, async ({ db, label, version, notes }) => {
    const connections = CONNECTIONS[kind]
    const load = await loadOrders(db, ORDERS, { dirty: true })
    log(`loaded ${fmt(ORDERS)} orders in ${secs(load.ms)}`)
    const all = shuffled(await orderPairs(db))
    const clock = new TestClock('2025-06-16T21:00:00Z')
    const { app, url, bareUrl } = await startServer(db, undefined, clock)
    try {
      // A fresh process: lookups before anything is stored prepare the head read on an empty order_views.
      await cannon({ url, connections, duration: 1, route: 'status', pairs: all.slice(-SANITY - 5000, -SANITY) })
      const empty = await cachedPlan(db, all[0][0])
      const evening = EVENING_SWEEP ? await sweepAt(db, EVENING) : null
      const feeds = await dayOfFeeds(db)
      const morningSweep = await sweepAt(db, '2025-06-17T06:00:00Z')
      clock.set(MORNING)
      const valid = await validViews(db, MORNING)
      log(`at ${MORNING}: ${fmt(valid.valid)} of ${fmt(valid.orders)} orders have a view valid as stored`)
      const plans = { empty, morning: await cachedPlan(db, all[0][0]) }
      log(`head read plan: on an empty table ${plans.empty}; in the morning ${plans.morning}`)
      const asLeft = await headReadUs(db, all)
      const same = await sameAsCold(db, app, all.slice(-SANITY))
      log(`sweep-written views identical to the cold answer: ${same.same}/${same.checked}`)
      if (same.same < same.checked) throw new Error(`only ${same.same} of ${same.checked} sweep-written views match the cold derivation`)

      const half = Math.floor((all.length - SANITY) / 2)
      const cold = all.slice(0, half)
      await db.query('DELETE FROM order_views WHERE order_id IN (SELECT order_id FROM orders WHERE order_number = ANY($1::text[]))', [cold.map((p) => p[0])])
      const morning = all.slice(half, -SANITY)
      const rounds = await interleavedRounds({ url, bareUrl, connections, all, morning, cold, rounds: ROUNDS, duration: DURATION, warmup: WARMUP })
      // An order of the morning pool: its view stored by the sweep and still valid, as the hot path serves it.
      const hot = await hotRounds({ url, bareUrl, pair: morning[0], rounds: ROUNDS, duration: DURATION, warmup: WARMUP })
      await db.query('ANALYZE order_views')
      const headUs = { asLeft, analyzed: await headReadUs(db, all) }
      log(`head read, sequential: as left ${headUs.asLeft.toFixed(0)} µs, after ANALYZE ${headUs.analyzed.toFixed(0)} µs`)
      return { kind, label, version, notes, connections, load, evening, feeds, morningSweep, valid, same, plans, headUs, rounds, hot, coldPool: cold.length }
    } finally {
      await app.close()
    }
  })
}

export async function benchStatus(): Promise<{ runs: StatusRun[]; skipped: string[] }> {
  const runs: StatusRun[] = []
  const skipped: string[] = []
  // PostgreSQL first: the server's figures are the ones a large retailer runs on.
  for (const kind of [...databases()].sort((a, b) => (a === 'postgres' ? -1 : b === 'postgres' ? 1 : 0))) {
    const r = await benchOne(kind)
    if (r) runs.push(r)
    else skipped.push('PostgreSQL (server unreachable)')
  }
  return { runs, skipped }
}
