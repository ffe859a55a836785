/**
 * Where the status route's time goes: `node --import tsx bench/profile.ts`.
 * Loads BENCH_ORDERS (default 100000) orders into BENCH_DB (pglite | postgres, default postgres; the
 * server schema is dropped afterwards), then times each phase of the handler sequentially over the
 * same random orders (the warm path's one read; the cold path's snapshot, domain, zod and store),
 * and prints EXPLAIN ANALYZE of the head read, the one-statement snapshot and the backorder history.
 *
 *   BENCH_PROFILE_N=2000         lookups per sequential timing
 *   BENCH_PROFILE_SQL="…"        SQL to run after the load (e.g. an index to try), then re-time the history query
 *   BENCH_PROFILE_HTTP=1         also serve the app and drive BENCH_PROFILE_ROUTES (default bare,cold,warm) for
 *                                BENCH_DURATION s each, printing req/s and CPU per request of this process and of
 *                                every `postgres` process on the machine (from /proc)
 *   BENCH_PROFILE_CPU=/tmp/x     write a main-thread CPU profile per route to /tmp/x-<route>.cpuprofile
 */
import fs from 'node:fs'
import os from 'node:os'
import inspector from 'node:inspector'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { openDb, type Db } from '../src/store/db.ts'
import { loadBackorderHistory, loadOrderSnapshot } from '../src/store/order-snapshot.ts'
import { deriveOrder, presentCustomerView, OrderStatusSchema } from '../src/status/order-status.ts'
import { deriveLineStatus } from '../src/domain/line-state.ts'
import { calendarFrom } from '../src/status/calendar-config.ts'
import { readOrderHead, storeViews, validView, customerViewRow } from '../src/status/view-cache.ts'
import { loadOrders, orderPairs, BENCH_NOW } from './load-orders.ts'
import { cannon, startServer } from './http-bench.ts'

const ORDERS = Number(process.env.BENCH_ORDERS || 100_000)
const KIND = process.env.BENCH_DB === 'pglite' ? 'pglite' : 'postgres'
const N = Number(process.env.BENCH_PROFILE_N || 2000)

async function open(): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  if (KIND === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-profile-'))
    const db = await openDb({ dataDir: dir })
    return { db, cleanup: async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }) } }
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`
  const db = await openDb({ url: process.env.BENCH_DATABASE_URL || 'postgres://127.0.0.1:5432/test', schema })
  return { db, cleanup: async () => { await db.query(`DROP SCHEMA "${schema}" CASCADE`); await db.close() } }
}

/** The main thread's CPU profile (node:inspector), for one phase only. */
async function startCpuProfile(): Promise<{ stop(): Promise<unknown> }> {
  const session = new inspector.Session()
  session.connect()
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))))
  await post('Profiler.enable')
  await post('Profiler.setSamplingInterval', { interval: 200 })
  await post('Profiler.start')
  return {
    async stop() {
      const { profile } = await post('Profiler.stop')
      session.disconnect()
      return profile
    },
  }
}

/** CPU ms used so far by every process named postgres (this machine's server), from /proc. */
function postgresCpuMs(): number {
  const tick = 10 // USER_HZ = 100
  let total = 0
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      if (comm !== 'postgres') continue
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      total += (Number(f[11]) + Number(f[12])) * tick
    } catch {
      // gone
    }
  }
  return total
}

async function time(label: string, n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, n); i++) await fn(i) // warm
  const t = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  const per = (performance.now() - t) / n
  console.log(`${label.padEnd(48)} ${(per * 1000).toFixed(0).padStart(6)} µs`)
  return per
}

const { db, cleanup } = await open()
process.stdout.on('error', () => {}) // piped into head: keep going, clean up
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)))
try {
  const load = await loadOrders(db, ORDERS)
  console.log(`${KIND}: loaded ${ORDERS} orders in ${(load.ms / 1000).toFixed(1)} s`)
  const pairs = await orderPairs(db)
  const picks = Array.from({ length: N }, () => pairs[Math.floor(Math.random() * pairs.length)][0])
  const now = new Date(BENCH_NOW)
  const config = { holidays: [] as string[], lookupRateLimit: 1e9 }

  // db.ts prepares every statement once per session and PostgreSQL keeps its generic plan. A plan made while
  // order_views was empty scans order_views on every lookup once it has grown, until something (ANALYZE, VACUUM)
  // invalidates it: PostgreSQL's autovacuum does, PGlite has none. Shown on one session, in one transaction.
  await db.transaction(async (tx) => {
    const head = `SELECT o.order_id, o.version, c.email, o.postal_code, v.view, v.order_version, v.view_key, (SELECT epoch FROM view_epoch) AS epoch
       FROM orders o JOIN customers c USING (customer_id) LEFT JOIN order_views v ON v.order_id = o.order_id WHERE o.order_number = $1`
    await tx.query(`PREPARE bench_head(text) AS ${head}`)
    await tx.query('SET LOCAL plan_cache_mode = force_generic_plan')
    const plan = async (title: string) => {
      const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) EXECUTE bench_head('${picks[0]}')`)
      console.log(`\n-- head read, cached generic plan: ${title}\n${rows.map((r) => r['QUERY PLAN']).filter((l) => !/Buffers|Searches/.test(l)).join('\n')}`)
    }
    await plan('prepared while order_views is empty')
    const n = Math.min(20_000, Math.floor(pairs.length / 5))
    await tx.query(`INSERT INTO order_views SELECT order_id, version, 'bench', repeat(md5(order_id::text), 28), now() FROM orders ORDER BY order_id DESC LIMIT ${n}`)
    await plan(`the same statement after ${n} views were stored`)
    await tx.query('ANALYZE order_views')
    await plan('after ANALYZE order_views')
    await tx.query('DEALLOCATE bench_head')
    await tx.query('DELETE FROM order_views')
  })

  console.log(`\nsequential, ${N} random orders, per call:`)
  await time('bare: SELECT … FROM orders WHERE order_number', N, (i) =>
    db.query('SELECT order_id, order_number, placed_at FROM orders WHERE order_number = $1', [picks[i]]))
  await time('readOrderHead (warm path: order, customer, stored view)', N, (i) => readOrderHead(db, picks[i]))
  await time('loadOrderSnapshot (one statement: order + lines + all signals)', N, (i) => loadOrderSnapshot(db, picks[i]))
  await time('calendarFrom (holidays, cached for a minute)', N, () => calendarFrom(db, config))
  const snaps = await Promise.all(picks.slice(0, 500).map((p) => loadOrderSnapshot(db, p)))
  const cal = await calendarFrom(db, config)
  await time('deriveOrder (domain; history query when needed)', N, (i) => deriveOrder(db, snaps[i % snaps.length]!, { now, calendar: cal }))
  await time('  of which deriveLineStatus alone (pure domain)', N, (i) => {
    for (const ls of snaps[i % snaps.length]!.lines) deriveLineStatus(ls.line, ls.signals, { now, calendar: cal, history: null })
  })
  let historyCalls = 0
  const counting = { query: (text: string, values?: unknown[]) => { historyCalls++; return db.query(text, values) } } as Db
  for (const s of snaps) await deriveOrder(counting, s!, { now, calendar: cal })
  console.log(`  ${historyCalls} of ${snaps.length} orders read the backorder history`)
  const [anyBo] = await db.query<{ supplier_id: string }>(`SELECT supplier_id FROM suppliers LIMIT 1`)
  await time('  loadBackorderHistory (one supplier)', 50, () => loadBackorderHistory(db, anyBo.supplier_id, now))
  const derived = await Promise.all(snaps.map((s) => deriveOrder(db, s!, { now, calendar: cal })))
  await time('presentCustomerView', N, (i) => presentCustomerView(derived[i % derived.length]))
  const views = derived.map(presentCustomerView)
  await time('OrderStatusSchema.parse (the zod response serializer)', N, (i) => OrderStatusSchema.parse(views[i % views.length]))
  await time('JSON.stringify of the view', N, (i) => JSON.stringify(views[i % views.length]))
  {
    const heads = await Promise.all(picks.slice(0, 500).map((p) => readOrderHead(db, p)))
    await time('storeViews (INSERT … ON CONFLICT of the JSON)', Math.min(N, 500), (i) =>
      storeViews(db, [customerViewRow(derived[i % derived.length], heads[i % heads.length]!.version, now, cal)], now))
    const stored = await Promise.all(picks.slice(0, 500).map((p) => readOrderHead(db, p)))
    await time('validView (is the stored view still valid?)', N, (i) => validView(stored[i % stored.length]!, cal, now))
    // The route gets a new calendar object from calendarFrom on every request: its fingerprint is re-hashed each time.
    await time('  with a new calendar object each call (as the route does)', N, async (i) =>
      validView(stored[i % stored.length]!, await calendarFrom(db, config), now))
    await db.query('DELETE FROM order_views')
  }

  // One shipped order: EXPLAIN ANALYZE each snapshot statement with its real parameters.
  const [shipped] = await db.query<{ order_number: string; order_id: number }>(
    `SELECT o.order_number, o.order_id FROM orders o JOIN order_lines l USING (order_id) JOIN shipments s USING (order_line_id)
      ORDER BY o.order_id LIMIT 1`)
  const [bo] = await db.query<{ supplier_id: string }>(`SELECT supplier_id FROM supplier_signals WHERE status = 'backordered' LIMIT 1`)
  const explain = async (title: string, sql: string, params: unknown[]) => {
    const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params)
    console.log(`\n-- ${title}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`)
  }
  await explain('head (readOrderHead: the whole warm path)', `SELECT o.order_id, o.version, c.email, o.postal_code, v.view, v.order_version, v.view_key, (SELECT epoch FROM view_epoch) AS epoch
       FROM orders o JOIN customers c USING (customer_id) LEFT JOIN order_views v ON v.order_id = o.order_id
      WHERE o.order_number = $1`, [shipped.order_number])
  {
    const src = fs.readFileSync(new URL('../src/store/order-snapshot.ts', import.meta.url), 'utf8')
    const m = /const ORDER_SNAPSHOT_SQL = `([\s\S]*?)`/.exec(src)
    if (m) await explain('snapshot (loadOrderSnapshot: one statement)', m[1], [shipped.order_number])
  }
  await explain('backorder history (loadBackorderHistory)', `SELECT extract(epoch FROM (min(sh.shipped_at) - min(s.received_at))) / 86400 AS days
       FROM supplier_signals s JOIN po_lines p ON p.po_line_id = s.po_line_id JOIN shipments sh ON sh.order_line_id = p.order_line_id
      WHERE s.supplier_id = $1 AND s.status = 'backordered' AND s.received_at > $2::timestamptz - interval '365 days'
      GROUP BY p.order_line_id HAVING min(sh.shipped_at) > min(s.received_at)`, [bo.supplier_id, now])

  if (process.env.BENCH_PROFILE_SQL) {
    // e.g. an index to try: BENCH_PROFILE_SQL="CREATE INDEX … ; ANALYZE"
    await db.query(process.env.BENCH_PROFILE_SQL)
    console.log(`\nran: ${process.env.BENCH_PROFILE_SQL}`)
    await time('loadBackorderHistory (one supplier), after', 50, () => loadBackorderHistory(db, anyBo.supplier_id, now))
  }

  if (process.env.BENCH_PROFILE_HTTP) {
    // cold: every request a different order (views emptied first); warm: random orders of a pool looked up once.
    const { app, url } = await startServer(db)
    const pool = pairs.slice(-Math.min(20_000, Math.floor(pairs.length / 2)))
    for (const route of (process.env.BENCH_PROFILE_ROUTES ?? 'bare,cold,warm').split(',')) {
      if (route === 'cold') await db.query('DELETE FROM order_views')
      if (route === 'warm') await cannon({ url, route: 'status', pairs: pool, connections: 4, order: 'sequence', amount: pool.length })
      const session = process.env.BENCH_PROFILE_CPU ? await startCpuProfile() : null
      const cpu0 = process.cpuUsage()
      const pg0 = postgresCpuMs()
      const r = await cannon({
        url, route: route === 'bare' ? 'bare' : 'status', pairs: route === 'warm' ? pool : pairs, order: route === 'cold' ? 'sequence' : 'random',
        connections: KIND === 'pglite' ? 4 : 10, duration: Number(process.env.BENCH_DURATION || 10),
      })
      const cpu = process.cpuUsage(cpu0)
      const pgMs = postgresCpuMs() - pg0
      if (session) {
        const file = `${process.env.BENCH_PROFILE_CPU}-${route}.cpuprofile`
        fs.writeFileSync(file, JSON.stringify(await session.stop()))
        console.log(`wrote ${file}`)
      }
      const n = r.total
      console.log(`\n${route} under load: ${Math.round(r.reqPerSec)} req/s, p99 ${r.p99} ms, non-2xx ${r.non2xx}; ` +
        `CPU per request: node process ${((cpu.user + cpu.system) / n).toFixed(0)} µs (server + load generator), ` +
        `postgres ${((pgMs * 1000) / n).toFixed(0)} µs`)
    }
    await app.close()
  }
} finally {
  await cleanup()
}
process.exit(0)
