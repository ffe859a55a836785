/**
 * The hot lookup: one order asked again and again (a customer refreshing, a shop's widget
 * polling), 50 connections, its stored view valid, against the bare route on its own Fastify
 * instance in the same process. Rounds of bare then hot, so a change in the machine's load hits
 * both alike.
 *
 * Also runs on its own, for the edit-measure loop of the route (`node --import tsx bench/status/hot.ts`):
 * loads BENCH_ORDERS (default 2000) orders into BENCH_DB (postgres | pglite, default postgres),
 * looks one up once (its view derived and stored), then measures; with BENCH_HOT_WORKERS=1 the
 * background workers run in the process, as under `wismo serve`. BENCH_ROUNDS (3), BENCH_DURATION (5).
 * It prints the main thread's CPU per request (the server's, not the load generator's) for each;
 * BENCH_HOT_CPU=/tmp/x then profiles one more run of each on the main thread (/tmp/x-bare.cpuprofile, /tmp/x-hot.cpuprofile).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import inspector from 'node:inspector'
import { fileURLToPath } from 'node:url'
import { cannon, startServer, type CannonResult } from '../http-bench.ts'
import { intEnv, log, withBenchDb, type DbKind } from '../common.ts'
import { check, combine } from './measure.ts'

export const HOT_CONNECTIONS = 50

export interface HotInput {
  url: string
  bareUrl: string
  /** The one order asked, with its email. */
  pair: [string, string]
  rounds: number
  duration: number
  warmup: number
  connections?: number
}

export interface HotRounds {
  connections: number
  order: string
  combined: { bare: CannonResult; hot: CannonResult }
  perRound: { bare: number; hot: number }[]
  /** µs of the main thread's CPU (the server, not the load generator) per request, all rounds; null without /proc. */
  cpuUs: { bare: number; hot: number } | null
}

/**
 * CPU µs the main thread (the server: Fastify, the route, the pg client) has used, from
 * /proc/self/task (Linux; clock ticks of 10 ms): the load generator runs in a worker thread,
 * so this leaves it out, unlike process.cpuUsage(). Null where /proc is not there.
 */
export function mainThreadCpuUs(): number | null {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) * 10_000
  } catch {
    return null
  }
}

/** Warm-up, then `rounds` of bare / hot; every answer must be a 200. */
export async function hotRounds(i: HotInput): Promise<HotRounds> {
  const connections = i.connections ?? HOT_CONNECTIONS
  const runs = {
    bare: (duration: number) => cannon({ url: i.bareUrl, connections, duration, route: 'bare', pairs: [i.pair] }),
    hot: (duration: number) => cannon({ url: i.url, connections, duration, route: 'status', pairs: [i.pair] }),
  }
  log(`hot: order ${i.pair[0]}, ${connections} connections; warm-up ${i.warmup} s each`)
  for (const run of Object.values(runs)) check('warm-up', await run(i.warmup))
  const results: { bare: CannonResult[]; hot: CannonResult[] } = { bare: [], hot: [] }
  const cpu = { bare: 0, hot: 0 }
  for (let n = 1; n <= i.rounds; n++) {
    log(`hot round ${n} of ${i.rounds}: ${i.duration} s each`)
    for (const w of ['bare', 'hot'] as const) {
      const c0 = mainThreadCpuUs()
      const r = check(w, await runs[w](i.duration))
      const c1 = mainThreadCpuUs()
      cpu[w] += c0 === null || c1 === null ? NaN : c1 - c0
      results[w].push(r)
    }
  }
  const total = (w: 'bare' | 'hot') => results[w].reduce((s, r) => s + r.total, 0)
  return {
    connections,
    order: i.pair[0],
    combined: { bare: combine(results.bare), hot: combine(results.hot) },
    perRound: results.bare.map((b, k) => ({ bare: b.reqPerSec, hot: results.hot[k].reqPerSec })),
    cpuUs: Number.isNaN(cpu.bare + cpu.hot) ? null : { bare: cpu.bare / total('bare'), hot: cpu.hot / total('hot') },
  }
}

/** The main thread's CPU profile (node:inspector) over `fn` only. */
async function profiled(file: string, fn: () => Promise<unknown>): Promise<void> {
  const session = new inspector.Session()
  session.connect()
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))))
  await post('Profiler.enable')
  await post('Profiler.setSamplingInterval', { interval: 100 })
  await post('Profiler.start')
  await fn()
  const { profile } = await post('Profiler.stop')
  session.disconnect()
  fs.writeFileSync(file, JSON.stringify(profile))
  log(`wrote ${file}`)
}

async function main(): Promise<void> {
  const { loadOrders, orderPairs } = await import('../load-orders.ts')
  const { startWorkers } = await import('../../src/jobs/queue.ts')
  const { loadConfig } = await import('../../src/config.ts')
  const { fixedClock } = await import('../../src/clock.ts')
  const kind: DbKind = process.env.BENCH_DB === 'pglite' ? 'pglite' : 'postgres'
  await withBenchDb(kind, { poolSize: 10 }, async ({ db, spec }) => {
    await loadOrders(db, intEnv('BENCH_ORDERS', 2000))
    const pairs = await orderPairs(db)
    const pair = pairs[Math.floor(pairs.length / 2)]
    const clock = fixedClock(new Date('2025-06-16T15:00:00Z'))
    const workers = process.env.BENCH_HOT_WORKERS === '1'
      ? await startWorkers(db, { clock, config: loadConfig({ ...process.env, DATABASE_URL: undefined, WISMO_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-hot-')) }), schema: `${spec.split(':')[1]}_boss` })
      : null
    const { app, url, bareUrl } = await startServer(db, undefined, clock)
    try {
      const r = await hotRounds({ url, bareUrl, pair, rounds: intEnv('BENCH_ROUNDS', 3), duration: intEnv('BENCH_DURATION', 5), warmup: 2 })
      log(`\nload ${os.loadavg()[0].toFixed(2)}; hot / bare ${(r.combined.hot.reqPerSec / r.combined.bare.reqPerSec).toFixed(2)}× ` +
        `(${r.perRound.map((x) => (x.hot / x.bare).toFixed(2)).join(', ')}); bare ${Math.round(r.combined.bare.reqPerSec)} req/s, ` +
        `hot ${Math.round(r.combined.hot.reqPerSec)} req/s; server CPU per request: bare ${r.cpuUs?.bare.toFixed(0)} µs, hot ${r.cpuUs?.hot.toFixed(0)} µs`)
      const cpu = process.env.BENCH_HOT_CPU
      if (cpu) {
        const duration = intEnv('BENCH_DURATION', 5)
        await profiled(`${cpu}-bare.cpuprofile`, () => cannon({ url: bareUrl, connections: HOT_CONNECTIONS, duration, route: 'bare', pairs: [pair] }))
        await profiled(`${cpu}-hot.cpuprofile`, () => cannon({ url, connections: HOT_CONNECTIONS, duration, route: 'status', pairs: [pair] }))
      }
    } finally {
      await app.close()
      await workers?.stop()
    }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1) })
}
