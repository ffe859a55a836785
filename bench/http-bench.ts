/**
 * Serves the real app plus a bare one-query route over the same database, and drives either with
 * autocannon (in a worker thread): random existing orders, or a list of orders in turn.
 */
import { Worker } from 'node:worker_threads'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import { buildApp, serveLogger } from '../src/http/app.ts'
import { fixedClock, type Clock } from '../src/clock.ts'
import type { Db, Queryable } from '../src/store/db.ts'
import { BENCH_NOW } from './load-orders.ts'

export type Route = 'bare' | 'status'

export interface CannonResult {
  duration: number
  total: number
  reqPerSec: number
  meanLatency: number
  p50: number
  p99: number
  max: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  /** Orders handed out (sequence order): where the next run in the list should start. */
  used: number
}

const config = { holidays: [] as string[], lookupRateLimit: 1e9 }

/** `GET /bench/bare/:number`: one indexed query, as JSON. */
function addBareRoute(app: FastifyInstance, db: Db): void {
  app.get<{ Params: { number: string } }>('/bench/bare/:number', async (req, reply) => {
    const rows = await db.query('SELECT order_id, order_number, placed_at FROM orders WHERE order_number = $1', [req.params.number])
    if (rows.length === 0) return reply.code(404).send({ error: 'not found' })
    return rows[0]
  })
}

/**
 * The wismo app as served, plus `GET /bench/bare/:number` twice: on the app (`url`, where it
 * pays every hook the app runs on all routes) and on a bare Fastify instance of its own in the
 * same process (`bareUrl`: default options, no plugin, no hook), the baseline the status suite
 * measures against.
 */
export async function startServer(
  db: Db,
  extra?: (app: FastifyInstance) => Promise<void>,
  clock: Clock = fixedClock(new Date(BENCH_NOW)),
): Promise<{ app: FastifyInstance; url: string; bareUrl: string }> {
  // Logging as `wismo serve` does (its lines dropped here): what the log costs is part of the route's cost.
  const app = await buildApp({ db, clock, config, logger: serveLogger({ write: () => {} }) })
  await extra?.(app)
  addBareRoute(app, db)
  const bare = Fastify()
  addBareRoute(bare, db)
  app.addHook('onClose', async () => bare.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  await bare.listen({ host: '127.0.0.1', port: 0 })
  const address = (f: FastifyInstance) => `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`
  return { app, url: address(app), bareUrl: address(bare) }
}

export interface CannonOptions {
  url: string
  route: Route
  pairs: [string, string][]
  connections: number
  /** Seconds, unless `amount` is given. */
  duration?: number
  /** Stop after this many requests. */
  amount?: number
  /** random: each request a random pair; sequence: the pairs in turn from `offset` (cold lookups). */
  order?: 'random' | 'sequence'
  offset?: number
}

export function cannon(opts: CannonOptions): Promise<CannonResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./cannon-worker.mjs', import.meta.url), { workerData: opts, execArgv: [] })
    let result: CannonResult | null = null
    worker.once('message', (m: CannonResult) => (result = m))
    worker.once('error', reject)
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code}`))))
  })
}

export interface LookupCost {
  queriesPerRequest: number
  avgRequestMs: number
  /** Time inside db.query per request, by statement, in ms (sequential, no load). */
  dbMsByStatement: { sql: string; calls: number; avgMs: number }[]
}

export interface SanityReport {
  checked: number
  ok: number
  wrongEmailStatus: number
  orderStates: Record<string, number>
  lineStates: Record<string, number>
  /** First lookup of an order that day: derived and stored. */
  cold: LookupCost
  /** The same order again: served as stored. */
  warm: LookupCost
  /** Warm answers byte-identical to the cold one. */
  sameAnswer: number
  /** Cold lookups that read the supplier's backorder history (a backorder with no date). */
  historyReads: number
}

/** A Db that counts and times every query, by statement. */
function countingDb(db: Db) {
  let stats = new Map<string, { calls: number; ms: number }>()
  let queries = 0
  let historyCalls = 0
  const timed = (q: Queryable): Queryable => ({
    async query(text, values) {
      queries++
      if (text.includes('extract(epoch FROM (min(sh.shipped_at)')) historyCalls++
      const t = performance.now()
      try {
        return await q.query(text, values)
      } finally {
        const key = text.replace(/\s+/g, ' ').trim().slice(0, 70)
        const s = stats.get(key) ?? { calls: 0, ms: 0 }
        s.calls++
        s.ms += performance.now() - t
        stats.set(key, s)
      }
    },
  })
  const counting = { ...db, ...timed(db), transaction: (fn: (tx: Queryable) => Promise<unknown>) => db.transaction((tx) => fn(timed(tx))) } as Db
  return {
    db: counting,
    get historyCalls() { return historyCalls },
    /** Queries and time since the last call, per request. */
    take(requests: number, elapsed: number): LookupCost {
      const cost = {
        queriesPerRequest: queries / requests,
        avgRequestMs: elapsed / requests,
        dbMsByStatement: [...stats.entries()]
          .map(([sql, s]) => ({ sql, calls: s.calls / requests, avgMs: s.ms / s.calls }))
          .sort((a, b) => b.calls * b.avgMs - a.calls * a.avgMs),
      }
      stats = new Map()
      queries = 0
      return cost
    },
  }
}

/**
 * Before the load: asks the real route for `n` orders never looked up before (cold), then for
 * each of them again (warm), through `app.inject` on a Db that counts and times every query, to
 * show the fixture makes the route do its real work and the stored answer is the same answer.
 */
export async function sanityCheck(db: Db, pairs: [string, string][], n: number, clock: Clock = fixedClock(new Date(BENCH_NOW))): Promise<SanityReport> {
  const counter = countingDb(db)
  const app = await buildApp({ db: counter.db, clock, config })
  const picks = pairs.slice(0, n)
  const url = ([number, email]: [string, string]) => `/api/orders/${encodeURIComponent(number)}/status?email=${encodeURIComponent(email)}`
  const report: SanityReport = {
    checked: picks.length, ok: 0, wrongEmailStatus: 0, orderStates: {}, lineStates: {}, sameAnswer: 0, historyReads: 0,
    cold: { queriesPerRequest: 0, avgRequestMs: 0, dbMsByStatement: [] }, warm: { queriesPerRequest: 0, avgRequestMs: 0, dbMsByStatement: [] },
  }
  const bodies: string[] = []
  let elapsed = 0
  for (const p of picks) {
    const before = counter.historyCalls
    const t = performance.now()
    const res = await app.inject({ method: 'GET', url: url(p) })
    elapsed += performance.now() - t
    if (counter.historyCalls > before) report.historyReads++
    bodies.push(res.body)
    if (res.statusCode !== 200) continue
    report.ok++
    const body = res.json() as { state: string; lines: { state: string }[] }
    report.orderStates[body.state] = (report.orderStates[body.state] ?? 0) + 1
    for (const l of body.lines) report.lineStates[l.state] = (report.lineStates[l.state] ?? 0) + 1
  }
  report.cold = counter.take(picks.length, elapsed)
  elapsed = 0
  for (const [i, p] of picks.entries()) {
    const t = performance.now()
    const res = await app.inject({ method: 'GET', url: url(p) })
    elapsed += performance.now() - t
    if (res.statusCode === 200 && res.body === bodies[i]) report.sameAnswer++
  }
  report.warm = counter.take(picks.length, elapsed)
  const [number] = pairs[0]
  const wrong = await app.inject({ method: 'GET', url: `/api/orders/${encodeURIComponent(number)}/status?email=nobody%40example.com` })
  report.wrongEmailStatus = wrong.statusCode
  await app.close()
  return report
}
