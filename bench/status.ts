/**
 * The customer's order status endpoint against a bare one-query route, on PGlite and on
 * PostgreSQL, over BENCH_ORDERS orders: cold (every request an order not looked up that day, so
 * its view is derived and stored) and warm (a pool of orders looked up once already, so the
 * stored view is served), both against the same bare route in the same process and run.
 *
 * The three routes are measured in interleaved rounds (bare, cold, warm, bare, cold, warm, …) so
 * that a change in the machine's load during the run hits all three alike.
 *
 *   BENCH_ORDERS=100000     orders to load
 *   BENCH_ROUNDS=3          rounds
 *   BENCH_DURATION=5        seconds per route per round (after one 2 s warm-up round)
 *   BENCH_WARM_POOL=20000   orders in the warm pool (pre-warmed by one pass)
 */
import type { Db } from '../src/store/db.ts'
import { readOrderHead } from '../src/status/view-cache.ts'
import { loadOrders, orderPairs, BENCH_NOW, type LoadResult } from './load-orders.ts'
import { cannon, sanityCheck, startServer, type CannonOptions, type CannonResult, type SanityReport } from './http-bench.ts'
import { databases, fmt, intEnv, log, machineLine, secs, today, withBenchDb, type DbKind } from './common.ts'

export const STATUS_HEADING = '## Order status endpoint (issue 2)'
const AIM = 0.7
const ORDERS = intEnv('BENCH_ORDERS', 100_000)
const DURATION = intEnv('BENCH_DURATION', 5)
const ROUNDS = intEnv('BENCH_ROUNDS', 3)
const POOL = intEnv('BENCH_WARM_POOL', 20_000)
const WARMUP = 2
const SANITY = 300
const CONNECTIONS: Record<DbKind, number> = { pglite: 4, postgres: 10 }

export interface StatusRun {
  kind: DbKind
  label: string
  version: string
  notes: string
  connections: number
  load: LoadResult
  sanity: SanityReport
  /** All rounds together (requests over time; p99 the median round's). */
  bare: CannonResult
  cold: CannonResult
  warm: CannonResult
  /** Each round's req/s. */
  rounds: { bare: number; cold: number; warm: number }[]
  /** The pass that stored the warm pool's views: a cold figure over a fixed amount of work. */
  prewarm: CannonResult
  /** Warm, before `ANALYZE order_views` (its statistics from when it was empty). */
  staleWarm: CannonResult
  /** One head read (the warm path's query), sequential, µs: statistics as left, forced custom / generic plans, after ANALYZE. */
  headUs: { stale: number; custom: number; generic: number; analyzed: number }
  pool: number
  viewsStored: number
  /** Orders the cold rounds (and their warm-up) looked up, each once. */
  coldUsed: number
}

/** Rounds together: requests over total time; latencies the median round's. */
function combine(rs: CannonResult[]): CannonResult {
  const sum = (f: (r: CannonResult) => number) => rs.reduce((s, r) => s + f(r), 0)
  const median = (f: (r: CannonResult) => number) => rs.map(f).sort((a, b) => a - b)[Math.floor(rs.length / 2)]
  const completed = sum((r) => r.reqPerSec * r.duration)
  return {
    duration: sum((r) => r.duration), total: sum((r) => r.total), reqPerSec: completed / sum((r) => r.duration),
    meanLatency: median((r) => r.meanLatency), p50: median((r) => r.p50), p99: median((r) => r.p99), max: Math.max(...rs.map((r) => r.max)),
    ok: sum((r) => r.ok), non2xx: sum((r) => r.non2xx), errors: sum((r) => r.errors), timeouts: sum((r) => r.timeouts), used: sum((r) => r.used),
  }
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

function check(label: string, what: string, r: CannonResult): CannonResult {
  log(`  ${what}: ${fmt(r.reqPerSec)} req/s, mean ${r.meanLatency} ms, p50 ${r.p50} ms, p99 ${r.p99} ms, ${fmt(r.total)} requests, ` +
    `${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`)
  const bad = r.non2xx + r.errors + r.timeouts
  if (bad > 0) log(`  WARNING: ${bad} of ${r.total + r.errors} responses were not 2xx`)
  if (r.total === 0 || bad > (r.total + r.errors) / 2) throw new Error(`${label} ${what}: most responses were errors (${r.ok} 2xx of ${r.total} requests, ${r.errors} errors)`)
  return r
}

/** µs per warm-path read, one after another on one session, optionally under a plan_cache_mode. */
async function headReadUs(db: Db, pool: [string, string][], mode: string | null, n = 1000): Promise<number> {
  return db.transaction(async (tx) => {
    if (mode) await tx.query(`SET LOCAL plan_cache_mode = ${mode}`)
    for (let i = 0; i < 100; i++) await readOrderHead(tx, pool[i][0])
    const t = performance.now()
    for (let i = 0; i < n; i++) await readOrderHead(tx, pool[(i * 7) % pool.length][0])
    return ((performance.now() - t) / n) * 1000
  })
}

async function viewsOf(db: Db, pool: [string, string][]): Promise<number> {
  const [{ n }] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM order_views v JOIN orders o USING (order_id) WHERE o.order_number = ANY($1::text[])',
    [pool.map((p) => p[0])],
  )
  return n
}

async function benchOne(kind: DbKind): Promise<StatusRun | null> {
  log(`\n== Status route on ${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}`)
  return withBenchDb(kind, { poolSize: CONNECTIONS.postgres }, async ({ db, label, version, notes }) => {
    log(version)
    log(`loading ${fmt(ORDERS)} orders…`)
    const load = await loadOrders(db, ORDERS)
    log(`loaded in ${secs(load.ms)}: ${load.steps.map((s) => `${s.step} ${secs(s.ms)}`).join(', ')}`)
    const all = shuffled(await orderPairs(db))

    // Sanity on orders at the end of the shuffled list, which the runs below never reach.
    const sanity = await sanityCheck(db, all.slice(-SANITY), SANITY)
    log(`sanity: ${sanity.ok}/${sanity.checked} lookups 200, wrong email → ${sanity.wrongEmailStatus}; ` +
      `cold ${sanity.cold.queriesPerRequest.toFixed(2)} queries, ${sanity.cold.avgRequestMs.toFixed(2)} ms; ` +
      `warm ${sanity.warm.queriesPerRequest.toFixed(2)} queries, ${sanity.warm.avgRequestMs.toFixed(2)} ms; ` +
      `${sanity.sameAnswer}/${sanity.checked} warm answers identical to the cold one; ${sanity.historyReads} read backorder history`)
    log(`  order states: ${fmtCounts(sanity.orderStates)}`)
    for (const [which, cost] of [['cold', sanity.cold], ['warm', sanity.warm]] as const) {
      log(`  ${which}: time in db.query per lookup, by statement:`)
      for (const s of cost.dbMsByStatement) log(`    ${s.calls.toFixed(2)} × ${s.avgMs.toFixed(3)} ms  ${s.sql}`)
    }
    if (sanity.ok < sanity.checked * 0.95) throw new Error(`only ${sanity.ok} of ${sanity.checked} status lookups answered 200`)
    if (sanity.sameAnswer < sanity.ok) throw new Error(`only ${sanity.sameAnswer} of ${sanity.ok} stored answers match the derived one`)

    await db.query('DELETE FROM order_views')
    const { app, url } = await startServer(db)
    try {
      const connections = CONNECTIONS[kind]
      // The shuffled list: the cold run takes orders from its start, in turn; the warm pool and the sanity sample are at its end.
      const pool = all.slice(-(SANITY + POOL), -SANITY)
      const coldList = all.slice(0, -(SANITY + POOL))
      log(`warm pool: storing ${fmt(pool.length)} views with one pass over the pool, ${connections} connections…`)
      const prewarm = check(label, 'pre-warm pass (cold)', await cannon({ url, connections, route: 'status', pairs: pool, order: 'sequence', amount: pool.length }))
      const viewsStored = await viewsOf(db, pool)
      log(`  ${fmt(viewsStored)} of ${fmt(pool.length)} pool orders have a stored view`)
      if (viewsStored < pool.length) throw new Error(`the pre-warm pass left ${pool.length - viewsStored} pool orders without a stored view`)

      // The head read was prepared (and its generic plan made) while order_views was nearly empty; only an ANALYZE or VACUUM of
      // it makes the sessions plan again (PGlite has no autovacuum). Warm once as left, then with the plan made for its size.
      log(`warm with the plans as left (made while order_views was nearly empty): ${WARMUP} s warm-up, ${DURATION} s…`)
      await cannon({ url, connections, duration: WARMUP, route: 'status', pairs: pool })
      const staleWarm = check(label, 'warm, plans as left', await cannon({ url, connections, duration: DURATION, route: 'status', pairs: pool }))
      const headUs: StatusRun['headUs'] = {
        stale: await headReadUs(db, pool, null), custom: await headReadUs(db, pool, 'force_custom_plan'),
        generic: await headReadUs(db, pool, 'force_generic_plan'), analyzed: 0,
      }
      await db.query('ANALYZE order_views')
      headUs.analyzed = await headReadUs(db, pool, null)
      log(`  head read, sequential: ${Object.entries(headUs).map(([k, v]) => `${k} ${v.toFixed(0)} µs`).join(', ')}`)

      let offset = 0
      const runs = {
        bare: (duration: number) => cannon({ url, connections, duration, route: 'bare', pairs: all }),
        cold: async (duration: number) => {
          const r = await cannon({ url, connections, duration, route: 'status', pairs: coldList, order: 'sequence', offset })
          offset += r.used
          if (offset > coldList.length) throw new Error(`the cold run needed more than the ${coldList.length} orders it has: raise BENCH_ORDERS`)
          return r
        },
        warm: (duration: number) => cannon({ url, connections, duration, route: 'status', pairs: pool }),
      }
      log(`warm-up round: ${WARMUP} s each of bare, cold, warm…`)
      for (const run of Object.values(runs)) await run(WARMUP)
      const results: Record<'bare' | 'cold' | 'warm', CannonResult[]> = { bare: [], cold: [], warm: [] }
      const rounds: StatusRun['rounds'] = []
      for (let i = 1; i <= ROUNDS; i++) {
        log(`round ${i} of ${ROUNDS}: ${DURATION} s each, ${connections} connections`)
        for (const which of ['bare', 'cold', 'warm'] as const) results[which].push(check(label, which, await runs[which](DURATION)))
        rounds.push({ bare: results.bare[i - 1].reqPerSec, cold: results.cold[i - 1].reqPerSec, warm: results.warm[i - 1].reqPerSec })
      }
      log(`cold lookups used ${fmt(offset)} of ${fmt(coldList.length)} orders`)
      return {
        kind, label, version, notes, connections, load, sanity, rounds, prewarm, staleWarm, headUs, pool: pool.length, viewsStored, coldUsed: offset,
        bare: combine(results.bare), cold: combine(results.cold), warm: combine(results.warm),
      }
    } finally {
      await app.close()
    }
  })
}

function fmtCounts(c: Record<string, number>): string {
  return Object.entries(c).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')
}

export async function benchStatus(): Promise<{ runs: StatusRun[]; skipped: string[] }> {
  const runs: StatusRun[] = []
  const skipped: string[] = []
  for (const kind of databases()) {
    const r = await benchOne(kind)
    if (r) runs.push(r)
    else skipped.push('PostgreSQL (server unreachable)')
  }
  log('\n' + statusTable(runs))
  return { runs, skipped }
}

const ratio = (r: CannonResult, bare: CannonResult) => r.reqPerSec / bare.reqPerSec
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}×`
const verdict = (x: number) => `**${x.toFixed(2)}×** ${x >= AIM ? '(met)' : '(not met)'}`

export function statusTable(runs: StatusRun[]): string {
  return [
    '| database | conns | bare req/s | bare p99 ms | cold req/s | cold / bare | cold p99 ms | warm req/s | warm / bare | warm p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) =>
      `| ${r.label} | ${r.connections} | ${fmt(r.bare.reqPerSec)} | ${r.bare.p99} | ${fmt(r.cold.reqPerSec)} | ${verdict(ratio(r.cold, r.bare))} | ${r.cold.p99} | ` +
      `${fmt(r.warm.reqPerSec)} | ${verdict(ratio(r.warm, r.bare))} | ${r.warm.p99} |`),
  ].join('\n')
}

export function statusSection(runs: StatusRun[], skipped: string[], loadAvg: number): string {
  const first = runs[0]
  const n = (t: string) => fmt(first?.load.counts[t] ?? 0)
  const met = (which: 'cold' | 'warm') => runs.filter((r) => ratio(r[which], r.bare) >= AIM).map((r) => r.label)
  const say = (which: 'cold' | 'warm') => {
    const m = met(which)
    return m.length === runs.length ? 'meet it on every database' : m.length === 0 ? '**do not** meet it' : `meet it on ${m.join(', ')} only`
  }
  return [
    STATUS_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/status.ts, \`BENCH_SUITES=status\`). Aim: the customer status route ` +
      '`GET /api/orders/:number/status?email=…` serves at least **0.7×** the requests per second of a bare route doing one indexed query ' +
      'on the same database, in the same server process.',
    '',
    statusTable(runs),
    '',
    `**Verdict.** Warm lookups (the stored view served as stored) ${say('warm')}; cold lookups (the first lookup of an order that day: ` +
      `its view derived and stored) ${say('cold')}. Spread of the ratio over the rounds: ` +
      `${runs.map((r) => `${r.label} warm ${spread(r.rounds.map((x) => x.warm / x.bare))}, cold ${spread(r.rounds.map((x) => x.cold / x.bare))}`).join('; ')}. ` +
      'The warm figures are after `ANALYZE order_views`' +
      (runs.some((r) => r.kind === 'pglite')
        ? `; a long-running PGlite process as shipped stays at the figure before it (${runs.filter((r) => r.kind === 'pglite').map((r) => `${fmt(r.staleWarm.reqPerSec)} req/s, ` +
          `${ratio(r.staleWarm, r.bare).toFixed(2)}×`).join('')}, with ${fmt(first?.pool ?? 0)} stored views, and falling as more are stored): see "Cached plans" below. `
        : '. ') +
      `The pass that stored the warm pool's ${fmt(first?.pool ?? 0)} views is a second cold measurement, over a fixed amount of work: ` +
      `${runs.map((r) => `${r.label} ${fmt(r.prewarm.reqPerSec)} req/s, p99 ${r.prewarm.p99} ms`).join(', ')}.`,
    '',
    '**Cached plans made on an empty table.** Warm lookups measured before `ANALYZE order_views` (the pre-warm pass having just filled it): ' +
      `${runs.map((r) => `${r.label} ${fmt(r.staleWarm.reqPerSec)} req/s (${ratio(r.staleWarm, r.bare).toFixed(2)}× bare, p99 ${r.staleWarm.p99} ms) against ${fmt(r.warm.reqPerSec)} after`).join('; ')}. ` +
      'The same read (the warm path\'s one query), one after another on one session, in µs: ' +
      `${runs.map((r) => `${r.label} ${r.headUs.stale.toFixed(0)} as left, ${r.headUs.custom.toFixed(0)} with \`plan_cache_mode = force_custom_plan\`, ` +
        `${r.headUs.generic.toFixed(0)} with \`force_generic_plan\`, ${r.headUs.analyzed.toFixed(0)} after ANALYZE`).join('; ')}. ` +
      runs.map((r) => `${r.label}: ` + (r.headUs.analyzed > 0.8 * r.headUs.stale
        ? 'no difference one at a time.'
        : r.headUs.custom < 0.6 * r.headUs.stale && r.headUs.generic > 0.6 * r.headUs.stale
          ? 'a fresh (custom) plan is fast and the cached generic plan is slow: the statement\'s generic plan was made while order_views was ' +
            'nearly empty and scans it on every lookup, so it costs more with every view stored, until ANALYZE or VACUUM invalidates it.'
          : r.headUs.generic < 0.6 * r.headUs.stale
            ? 'a forced generic plan recovers it: consistent with the read being planned again on each execution.'
            : 'not explained by the plan choice.')).join(' ') +
      ' db.ts prepares every statement once per session and PostgreSQL keeps its generic plan (shown with EXPLAIN by `bench/profile.ts`: ' +
      'prepared on an empty order_views, the plan is a sequential scan of order_views; after ANALYZE, an index scan). Only an ANALYZE or VACUUM of the ' +
      'table makes the sessions plan again: PGlite has no autovacuum, so a PGlite process keeps the plan for its life' +
      (runs.some((r) => r.kind === 'postgres' && /autovacuum off/.test(r.notes))
        ? '; autovacuum is off on this PostgreSQL server too (`SHOW autovacuum`), so here it behaves alike; with autovacuum on, the server re-analyzes a table that grew, within a minute or so.'
        : '; PostgreSQL\'s autovacuum re-analyzes a table that grew, within a minute or so.'),
    '',
    ...(skipped.length ? [`Skipped: ${skipped.join('; ')}.`, ''] : []),
    machineLine(loadAvg, runs.map((r) => ({ label: r.label, version: r.version, notes: r.notes }))),
    '',
    `**Data.** ${fmt(ORDERS)} orders loaded with set-based SQL (bench/load-orders.ts): ` +
      `${n('customers')} customers, ${n('order_lines')} order lines, ${n('po_lines')} PO lines, ` +
      `${n('supplier_signals')} supplier signals (accepted, backordered with and without dates, partial, rescheduled, on hold, rejected, shipped) ` +
      `in ${n('inbound_messages')} inbound messages, ${n('shipments')} shipments with ${n('carrier_events')} carrier events (about half the lines shipped), ` +
      `after ANALYZE. Load time: ${runs.map((r) => `${r.label} ${secs(r.load.ms)}`).join(', ')}. Clock frozen at ${BENCH_NOW} (one day: a stored view stays valid).`,
    '',
    '**Method.** One process: `buildApp` (rate limit set to 1e9/min) plus the bare route ' +
      '`GET /bench/bare/:number` (`SELECT order_id, order_number, placed_at FROM orders WHERE order_number = $1`, returned as JSON), ' +
      'listening on 127.0.0.1; autocannon 9 in a worker thread of the same process; ' +
      `connections: ${runs.map((r) => `${r.label} ${r.connections}`).join(', ')} (PGlite's pool is one session; the server pool is 10). ` +
      'Every request names an existing order with its correct email, so every answer is a 200 with the full status. The orders are in a fixed shuffled list:',
    `- **warm pool**: after \`order_views\` is emptied, the ${fmt(first?.pool ?? 0)} orders at the end of the list are looked up once each (the pre-warm pass; ` +
      'each then has a stored view, checked). Then one warm run as the statistics were left (see below), then `ANALYZE order_views`.',
    `- **rounds**: one ${WARMUP} s warm-up round, then ${ROUNDS} rounds of ${DURATION} s each of bare, cold, warm in turn (interleaved, so a change in the ` +
      'machine\'s load hits all three alike). req/s is all rounds\' completed requests over their time; p99 (whole ms) is the median round\'s.',
    '- **bare**: a random order each request.',
    '- **cold**: each request the next order of the list from its start (never the pool), so every request is the first lookup of its order that day: ' +
      'the read of the order head and its stored view (none), the one-statement snapshot, the domain, the zod check, and the INSERT of the view ' +
      `(${runs.map((r) => `${r.label} ${fmt(r.coldUsed)}`).join(', ')} orders in all).`,
    '- **warm**: a random order of the pool each request: one indexed read (order, customer, stored view, epoch) and the stored JSON sent as is.',
    '',
    `Per round (req/s, bare / cold / warm): ${runs.map((r) => `${r.label} ${r.rounds.map((x) => `${fmt(x.bare)} / ${fmt(x.cold)} / ${fmt(x.warm)}`).join('; ')}`).join('. ')}. ` +
      'Where the time goes, phase by phase, with EXPLAIN ANALYZE and CPU per request: `node --import tsx bench/profile.ts` (knobs in its header).',
    '',
    `**Per lookup, unloaded** (${SANITY} orders none of the runs use, through \`app.inject\` on a Db that counts and times each query; each asked twice):`,
    '',
    ...runs.map((r) =>
      `- ${r.label}: cold ${r.sanity.cold.queriesPerRequest.toFixed(2)} queries, ${r.sanity.cold.avgRequestMs.toFixed(2)} ms; ` +
      `warm ${r.sanity.warm.queriesPerRequest.toFixed(2)} queries, ${r.sanity.warm.avgRequestMs.toFixed(2)} ms; ` +
      `${r.sanity.sameAnswer}/${r.sanity.checked} warm answers byte-identical to the cold one; ` +
      `${r.sanity.historyReads} cold lookups read a supplier's backorder history (once a day per supplier, then cached). ` +
      `Non-2xx under load: bare ${r.bare.non2xx}, cold ${r.cold.non2xx}, warm ${r.warm.non2xx}, pre-warm ${r.prewarm.non2xx}. Order states: ${fmtCounts(r.sanity.orderStates)}.`),
    '',
  ].join('\n')
}
