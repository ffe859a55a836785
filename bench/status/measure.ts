/**
 * Measuring the status route: interleaved rounds of bare / morning (stored views) / cold, the
 * head read one at a time, and the plan the lookup's prepared statement has cached.
 */
import { createHash } from 'node:crypto'
import type { Db } from '../../src/store/db.ts'
import { GUARDED_HEAD_SQL, readGuardedOrderHead } from '../../src/status/view-cache.ts'
import { hashLookupKey } from '../../src/http/lookup-guard.ts'
import { cannon, type CannonResult } from '../http-bench.ts'
import { fmt, log } from '../common.ts'

export type Which = 'bare' | 'morning' | 'cold'
export interface Rounds {
  combined: Record<Which, CannonResult>
  perRound: Record<Which, number>[]
  coldUsed: number
}

/** Rounds together: requests over total time; latencies the median round's. */
export function combine(rs: CannonResult[]): CannonResult {
  const sum = (f: (r: CannonResult) => number) => rs.reduce((s, r) => s + f(r), 0)
  const median = (f: (r: CannonResult) => number) => rs.map(f).sort((a, b) => a - b)[Math.floor(rs.length / 2)]
  const completed = sum((r) => r.reqPerSec * r.duration)
  return {
    duration: sum((r) => r.duration), total: sum((r) => r.total), reqPerSec: completed / sum((r) => r.duration),
    meanLatency: median((r) => r.meanLatency), p50: median((r) => r.p50), p99: median((r) => r.p99), max: Math.max(...rs.map((r) => r.max)),
    ok: sum((r) => r.ok), non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts), used: sum((r) => r.used),
  }
}

/** Logs a run and fails loudly when any answer was not a 200 (every request names a real order with its email). */
export function check(what: string, r: CannonResult): CannonResult {
  log(`  ${what}: ${fmt(r.reqPerSec)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${fmt(r.total)} requests`)
  const bad = r.non2xx + r.errors + r.timeouts
  if (r.total === 0 || bad > 0) throw new Error(`status ${what}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts of ${r.total} requests`)
  return r
}

export interface RoundsInput {
  url: string
  /** The bare route's server (a Fastify of its own, bench/http-bench.ts). */
  bareUrl: string
  connections: number
  all: [string, string][]
  morning: [string, string][]
  cold: [string, string][]
  rounds: number
  duration: number
  warmup: number
}

/** bare, morning, cold in turn, so a change in the machine's load hits all three alike; cold takes each order once. */
export async function interleavedRounds(i: RoundsInput): Promise<Rounds> {
  let offset = 0
  const runs: Record<Which, (seconds: number) => Promise<CannonResult>> = {
    bare: (duration) => cannon({ url: i.bareUrl, connections: i.connections, duration, route: 'bare', pairs: i.all }),
    morning: (duration) => cannon({ url: i.url, connections: i.connections, duration, route: 'status', pairs: i.morning }),
    cold: async (duration) => {
      const r = await cannon({ url: i.url, connections: i.connections, duration, route: 'status', pairs: i.cold, order: 'sequence', offset })
      offset += r.used
      if (offset > i.cold.length) throw new Error(`the cold run needed more than the ${i.cold.length} orders it has: raise BENCH_ORDERS or lower BENCH_DURATION`)
      return r
    },
  }
  log(`warm-up round: ${i.warmup} s each`)
  for (const run of Object.values(runs)) check('warm-up', await run(i.warmup))
  const results: Record<Which, CannonResult[]> = { bare: [], morning: [], cold: [] }
  const perRound: Rounds['perRound'] = []
  for (let n = 1; n <= i.rounds; n++) {
    log(`round ${n} of ${i.rounds}: ${i.duration} s each, ${i.connections} connections`)
    for (const w of ['bare', 'morning', 'cold'] as const) results[w].push(check(w, await runs[w](i.duration)))
    perRound.push({ bare: results.bare[n - 1].reqPerSec, morning: results.morning[n - 1].reqPerSec, cold: results.cold[n - 1].reqPerSec })
  }
  return { combined: { bare: combine(results.bare), morning: combine(results.morning), cold: combine(results.cold) }, perRound, coldUsed: offset }
}

/** µs per head read (the warm path's one statement), one after another on one session. */
/** Any instant: the lock-out join finds no row either way. */
const BENCH_LOOKUP_NOW = new Date('2025-06-17T09:00:00Z')

export async function headReadUs(db: Db, pairs: [string, string][], n = 1000): Promise<number> {
  return db.transaction(async (tx) => {
    const read = (o: string) => readGuardedOrderHead(tx, o, hashLookupKey('order', o), BENCH_LOOKUP_NOW, hashLookupKey('client', 'ip:127.0.0.1'))
    for (let i = 0; i < 100; i++) await read(pairs[i % pairs.length][0])
    const t = performance.now()
    for (let i = 0; i < n; i++) await read(pairs[(i * 7) % pairs.length][0])
    return ((performance.now() - t) / n) * 1000
  })
}

/**
 * How the lookup's prepared statement (named by db.ts from its text) is planned on a session now,
 * as cached: the scan of order_views, or "not prepared" when that session never ran it.
 */
export async function cachedPlan(db: Db, orderNumber: string): Promise<string> {
  const name = `w_${createHash('sha1').update(GUARDED_HEAD_SQL).digest('hex').slice(0, 16)}`
  const q = (t: string) => `'${t.replace(/'/g, "''")}'`
  try {
    return await db.transaction(async (tx) => {
      const rows = await tx.query<Record<string, string>>(`EXPLAIN EXECUTE ${name}(${q(orderNumber)}, ${q(hashLookupKey('order', orderNumber))}, ${q(BENCH_LOOKUP_NOW.toISOString())}, ${q(hashLookupKey('client', 'ip:127.0.0.1'))})`)
      const line = rows.map((r) => Object.values(r)[0]).find((l) => /order_views/.test(l))
      return line ? line.trim().replace(/\s+\(cost.*$/, '').replace(/^->\s*/, '') : 'no scan of order_views'
    })
  } catch {
    return 'not prepared on that session'
  }
}
