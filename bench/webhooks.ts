/**
 * Carrier webhook ingest (issue 4) on PostgreSQL: EasyPost `tracker.updated` webhooks through the real
 * route `POST /api/carriers/easypost/webhook` against a bare signed-echo route `POST /bench/echo` in
 * the same server process (same raw-body scope, same HMAC check, JSON parsed, `{ ok, id }` answered,
 * no database), driven by autocannon in a worker thread.
 *
 * Every webhook is a distinct event (its own id, a seeded shipment's tracking code, a new datetime on
 * its latest tracking detail), correctly signed; the bodies are built from the real fixture
 * (test/fixtures/carrier-events/easypost/event-body.json, 7 tracking details) and signed up front.
 * The shipments are seeded with the fixture's first 6 details already stored, so each webhook is the
 * steady state of a tracker: 7 details read, 6 already known, 1 new carrier event. A replay run then
 * sends already-applied bodies again (duplicates). Before that, one webhook run with the statistics of
 * inbound_messages taken before any webhook was stored shows what the replay check costs then.
 * Also: statements per webhook (sequential, counted and timed), EXPLAIN ANALYZE of each of them, CPU of
 * this process and of the pool's PostgreSQL backends under load.
 *
 *   node --import tsx bench/webhooks.ts        runs it and rewrites "## Carrier webhooks (issue 4)" in docs/benchmarks.md
 *   BENCH_DATABASE_URL                         the server (default postgres://127.0.0.1:5432/test); a schema of its own, dropped afterwards
 *   BENCH_WEBHOOK_SHIPMENTS=20000              orders seeded, one shipped line each, distinct tracking numbers
 *   BENCH_WEBHOOK_BODIES=100000                webhook bodies built and signed up front (the run fails if it uses them all)
 *   BENCH_DURATION=10                          measured seconds per route (after a 2 s warm-up each)
 *   BENCH_WEBHOOK_ROUNDS=2                     echo and webhook measured in that many interleaved rounds (BENCH_DURATION split between them)
 *   BENCH_WEBHOOK_CONNECTIONS=10               autocannon connections (the server pool is 10)
 *   BENCH_WEBHOOK_PROFILE=200                  sequential webhooks timed statement by statement before the load
 *   BENCH_WEBHOOK_WRITE=0                      print the section instead of writing docs/benchmarks.md
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHmac } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { pathToFileURL } from 'node:url'
import type { AddressInfo } from 'node:net'
import type pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/http/app.ts'
import { fixedClock } from '../src/clock.ts'
import type { Db, Queryable, Row } from '../src/store/db.ts'
import * as easypost from '../src/carriers/webhooks/easypost.ts'
import { readJson } from '../src/carriers/webhooks/common.ts'
import { fmt, intEnv, log, machineLine, root, secs, shortVersion, today, withBenchDb, writeSection } from './common.ts'

export const WEBHOOKS_HEADING = '## Carrier webhooks (issue 4)'

const FIXTURE = path.join(root, 'test', 'fixtures', 'carrier-events', 'easypost', 'event-body.json')
const WEBHOOK_PATH = '/api/carriers/easypost/webhook'
const ECHO_PATH = '/bench/echo'
const SECRET = 'whsec_bench_ingest_0123456789abcdef'
/** The clock the app runs on (received_at / applied_at of every message). */
const NOW = '2024-08-03T00:00:00Z'
/** The new latest detail of body i is at LATEST_BASE + (i div shipments) minutes: after the fixture's history. */
const LATEST_BASE = Date.parse('2024-08-02T19:00:00Z')

export interface WebhookBenchOptions {
  shipments?: number
  bodies?: number
  /** Measured seconds per route. */
  duration?: number
  warmup?: number
  connections?: number
  /** Echo and webhook are measured in this many interleaved rounds of duration / rounds seconds each. */
  rounds?: number
  /** Sequential webhooks timed statement by statement (0: none). */
  profile?: number
}

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
  used: number
}

/** What the database gained during a run. */
export interface Delta {
  carrierEvents: number
  applied: number
  duplicate: number
  other: number
  /** orders.version bumps (the order_lines trigger, once per UPDATE statement). */
  versionBumps: number
  dirtyLines: number
}

export interface CpuSplit {
  /** This process (server + load generator thread), ms of CPU per second of wall time. */
  nodeMsPerSec: number
  /** The pool's PostgreSQL backends together, ms of CPU per second. */
  pgMsPerSec: number
  nodeMsPerReq: number
  pgMsPerReq: number
  /** The sums behind those figures (rounds are combined from them). */
  raw: { nodeMs: number; pgMs: number; wall: number; completed: number }
}

export interface RouteRun {
  cannon: CannonResult
  delta: Delta
  cpu: CpuSplit
}

export interface StatementCost {
  sql: string
  perRequest: number
  /** Client-side ms per call (sequential, unloaded), round trip included. */
  clientMs: number
}

export interface ExplainRow {
  what: string
  perRequest: number
  plan: string
  /** Server-side execution ms (EXPLAIN ANALYZE), mean over the explained requests. */
  execMs: number
  triggerMs: number
  example: string
}

export interface WebhookRun {
  version: string
  shipments: number
  bodies: number
  bodyBytes: { min: number; max: number }
  connections: number
  duration: number
  warmup: number
  seedMs: number
  buildMs: number
  seeded: { orders: number; shipments: number; carrierEvents: number }
  sanity: string[]
  profile: {
    requests: number
    msPerRequest: number
    statementsPerRequest: number
    roundTripsPerRequest: number
    dbMsPerRequest: number
    statements: StatementCost[]
  }
  explain: { requests: number; rows: ExplainRow[]; replayRows: ExplainRow[] }
  /** In-process CPU of the steps the webhook adds to the echo's, µs per body (sequential, 2,000 bodies). */
  readUs: { verify: number; parseJson: number; normalize: number }
  echo: RouteRun
  webhook: RouteRun
  replay: RouteRun
  /** webhook req/s over echo req/s. */
  ratio: number
  /** Bodies handed out by the webhook warm-up and run. */
  webhookBodiesUsed: number
  replayPool: number
  /** The replay check's plan with statistics from before any webhook was stored, and a webhook run in that state; then after ANALYZE. */
  stats: { before: ReplayPlans; suggested: ReplayPlans; after: ReplayPlans; fresh: ReplayPlans; run: RouteRun }
  /** req/s of each round (echo and webhook interleaved). */
  rounds: { echo: number; webhook: number }[]
  /** The server settings that matter here (fsync, synchronous_commit, …). */
  settings: string
}

// ---------------------------------------------------------------------------------------------
// Bodies

interface Template {
  /** Literal pieces and tokens, in order. */
  parts: (string | { token: 'ID' | 'AT' | 'TN' })[]
  /** The 6 history details as wismo reads them (to seed carrier_events). */
  history: { carrier: string | null; status: string; occurredAt: Date; location: string | null; message: string | null }[]
}

const trackingOf = (n: number) => `EZ${String(n).padStart(10, '0')}`
const latestAt = (k: number) => new Date(LATEST_BASE + k * 60_000).toISOString().replace('.000Z', 'Z')

function loadTemplate(): Template {
  const event = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'))
  const details = event.result.tracking_details as { datetime: string }[]
  if (event.description !== 'tracker.updated' || details.length !== 7) throw new Error(`${FIXTURE}: expected a tracker.updated event with 7 tracking details`)
  event.id = '@ID@'
  event.updated_at = '@AT@'
  event.result.id = 'trk_@TN@'
  event.result.tracking_code = '@TN@'
  event.result.updated_at = '@AT@'
  event.result.public_url = 'https://track.easypost.com/@TN@'
  details[details.length - 1].datetime = '@AT@'
  const text = JSON.stringify(event)
  const parts: Template['parts'] = []
  let last = 0
  for (const m of text.matchAll(/@(ID|AT|TN)@/g)) {
    parts.push(text.slice(last, m.index))
    parts.push({ token: m[1] as 'ID' | 'AT' | 'TN' })
    last = m.index! + m[0].length
  }
  parts.push(text.slice(last))
  // The history as wismo itself reads it, so the seeded rows are exactly the ones a webhook conflicts with.
  const sample = render(parts, 'evt_template', trackingOf(1), latestAt(0))
  const read = easypost.normalize(readJson(Buffer.from(sample)))
  const history = read.events
    .filter((e) => e.occurredAt.getTime() < LATEST_BASE)
    .map((e) => ({ carrier: e.carrier, status: e.status, occurredAt: e.occurredAt, location: e.location, message: e.message }))
  if (history.length !== 6 || read.events.length !== 7) throw new Error(`template: expected 7 events, 6 of them history (got ${read.events.length}, ${history.length})`)
  return { parts, history }
}

function render(parts: Template['parts'], id: string, tn: string, at: string): string {
  let s = ''
  for (const p of parts) s += typeof p === 'string' ? p : p.token === 'ID' ? id : p.token === 'TN' ? tn : at
  return s
}

export function sign(body: Buffer | string, secret = SECRET): string {
  return `hmac-sha256-hex=${createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8')).update(body).digest('hex')}`
}

interface BodyPool {
  bodies: SharedArrayBuffer
  offsets: SharedArrayBuffer
  signatures: string[]
  count: number
  minBytes: number
  maxBytes: number
}

/** Body i: event `evt_bench_<i>`, shipment i mod shipments, latest detail at LATEST_BASE + (i div shipments) minutes. */
function buildBodies(t: Template, count: number, shipments: number): BodyPool {
  const literal = t.parts.reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : 48), 0)
  const bodies = new SharedArrayBuffer(literal * count)
  const offsets = new SharedArrayBuffer(8 * (count + 1))
  const buf = Buffer.from(bodies)
  const offs = new Float64Array(offsets)
  const signatures: string[] = new Array(count)
  let pos = 0
  let minBytes = Infinity
  let maxBytes = 0
  for (let i = 0; i < count; i++) {
    const body = render(t.parts, `evt_bench_${i}`, trackingOf(1 + (i % shipments)), latestAt(Math.floor(i / shipments)))
    const n = buf.write(body, pos, 'utf8')
    offs[i] = pos
    signatures[i] = sign(buf.subarray(pos, pos + n))
    pos += n
    minBytes = Math.min(minBytes, n)
    maxBytes = Math.max(maxBytes, n)
  }
  offs[count] = pos
  return { bodies, offsets, signatures, count, minBytes, maxBytes }
}

/** Extra bodies (sanity checks, profiling, EXPLAIN): ids and datetimes the pool never uses. */
const EXTRA_MINUTES: Record<string, number> = { sanity: 100_000, profile: 200_000, explain: 300_000 }
function extraBody(t: Template, tag: 'sanity' | 'profile' | 'explain', j: number, shipments: number): { body: Buffer; signature: string } {
  const body = Buffer.from(render(t.parts, `evt_${tag}_${j}`, trackingOf(1 + ((j * 7919) % shipments)), latestAt(EXTRA_MINUTES[tag] + j)))
  return { body, signature: sign(body) }
}

// ---------------------------------------------------------------------------------------------
// Seed

/** N orders, one shipped line each, one shipment each (distinct tracking numbers), the fixture's first 6 details already stored. */
async function seed(db: Db, n: number, t: Template): Promise<void> {
  const at = `timestamptz '2024-07-31T14:00:00Z'`
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO suppliers (supplier_id, name, email) VALUES ('SUPWH', 'Webhook bench supplier', 'asn@supplier.example')`)
    await tx.query(`INSERT INTO products (sku, name) VALUES ('SKU-WH', 'Webhook bench product')`)
    await tx.query(`
      INSERT INTO customers (customer_id, email, name, created_at)
      SELECT g, 'wh' || g || '@example.com', 'Customer ' || g, ${at} - interval '30 days' FROM generate_series(1, ${n}) g`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('customers', 'customer_id'), ${n})`)
    await tx.query(`
      INSERT INTO orders (order_id, order_number, placed_at, customer_id, postal_code, created_at)
      SELECT g, 'WH' || lpad(g::text, 7, '0'), ${at} - interval '2 days' - g * interval '1 second', g, '11201', ${at} - interval '2 days'
        FROM generate_series(1, ${n}) g`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('orders', 'order_id'), ${n})`)
    // Shipped and swept: not dirty, so a webhook's mark is a real change.
    await tx.query(`
      INSERT INTO order_lines (order_line_id, order_id, line_no, sku, qty, supplier_id, state, state_changed_at, dirty)
      SELECT g, g, 1, 'SKU-WH', 1, 'SUPWH', 'in_transit', ${at}, false FROM generate_series(1, ${n}) g`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('order_lines', 'order_line_id'), ${n})`)
    // The shipment notice the shipments came in (their message_id parent).
    await tx.query(`
      INSERT INTO inbound_messages (message_id, kind, source, supplier_id, filename, sha256, body, received_at, status, applied_at, summary)
      VALUES (1, 'supplier_csv', 'bench', 'SUPWH', 'asn.csv', repeat('0', 64), '\\x00'::bytea, ${at}, 'applied', ${at}, '[]')`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('inbound_messages', 'message_id'), 1)`)
    await tx.query(`
      INSERT INTO shipments (order_line_id, carrier, tracking_number, service, shipped_at, qty, message_id)
      SELECT g, 'FedEx', 'EZ' || lpad(g::text, 10, '0'), 'FEDEX_GROUND', ${at}, 1, 1 FROM generate_series(1, ${n}) g`)
  })
  // Only this schema's tables (a bare ANALYZE would visit every schema of the database). inbound_messages holds
  // the shipment notice only: its statistics say nothing of carrier webhooks, as on a fresh install.
  await db.query('ANALYZE suppliers, products, customers, orders, order_lines, inbound_messages, shipments, carrier_events')
  // The history came in by webhook too: one earlier delivery per shipment (stored, applied), the parent of its 6 events.
  await db.transaction(async (tx) => {
    await tx.query(`
      INSERT INTO inbound_messages (message_id, kind, source, sha256, dedupe_key, body, received_at, status, applied_at, summary)
      SELECT 1 + g, 'carrier_webhook', 'webhook:easypost', encode(sha256(b), 'hex'), 'easypost:evt_seed_' || g, b, ${at} + interval '1 day', 'applied', ${at} + interval '1 day', '[]'
        FROM (SELECT g, convert_to('{"id":"evt_seed_' || g || '","description":"tracker.updated","result":{"tracking_code":"EZ' || lpad(g::text, 10, '0') || '"}}', 'UTF8') AS b
                FROM generate_series(1, ${n}) g) x`)
    await tx.query(`SELECT setval(pg_get_serial_sequence('inbound_messages', 'message_id'), ${n + 1})`)
    const h = t.history
    await tx.query(
      `INSERT INTO carrier_events (tracking_number, carrier, status, occurred_at, location, message, provider, message_id)
       SELECT 'EZ' || lpad(g::text, 10, '0'), h.carrier, h.status, h.occurred_at, h.location, h.message, 'easypost', 1 + g
         FROM generate_series(1, ${n}) g
        CROSS JOIN unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[]) AS h(carrier, status, occurred_at, location, message)
        ORDER BY g, h.occurred_at`,
      [h.map((e) => e.carrier), h.map((e) => e.status), h.map((e) => e.occurredAt), h.map((e) => e.location), h.map((e) => e.message)],
    )
  })
}

/** storeInbound's replay check (src/store/inbound.ts), verbatim; the profile checks the app still runs this text. */
const REPLAY_CHECK_SQL = `SELECT message_id FROM inbound_messages
      WHERE kind = $1 AND status = 'applied' AND (sha256 = $2 OR ($3::text IS NOT NULL AND dedupe_key = $3))
      ORDER BY message_id LIMIT 1`

/**
 * The suggested replay check: the same answer from two lookups that each name every column of their index, so
 * no statistics can turn it into a scan of every stored webhook.
 */
const REPLAY_CHECK_SUGGESTED_SQL = `SELECT min(message_id) AS message_id FROM (
        SELECT message_id FROM inbound_messages WHERE kind = $1 AND sha256 = $2 AND status = 'applied'
        UNION ALL
        SELECT message_id FROM inbound_messages WHERE kind = $1 AND dedupe_key = $3 AND status = 'applied') m`

export interface ReplayPlans { custom: PlanInfo; generic: PlanInfo; messages: number }

export interface PlanInfo {
  /** Plan nodes, with the index conditions. */
  shape: string
  execMs: number
  rowsRemoved: number
}

/** The replay check for a new event (nothing to find), under a custom and a generic plan (the app's prepared statement goes generic after 5 runs). */
async function replayCheckPlans(db: Db, sql = REPLAY_CHECK_SQL): Promise<ReplayPlans> {
  const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_messages WHERE kind = 'carrier_webhook'`)
  const c = await db.pool.connect()
  const info = async (mode: string): Promise<PlanInfo> => {
    await c.query(`SET plan_cache_mode = ${mode}`)
    await c.query(`PREPARE bench_replay_check(text, text, text) AS ${sql}`)
    let plan = ''
    // The third of three runs (caches warm).
    for (let k = 0; k < 3; k++) {
      const res = await c.query(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_replay_check('carrier_webhook', '${'0'.repeat(63)}${k}', 'easypost:evt_none_${k}')`)
      plan = res.rows.map((r: Row) => String(r['QUERY PLAN'])).join('\n')
    }
    await c.query('DEALLOCATE bench_replay_check')
    return {
      shape: plan.split('\n')
        .filter((l, i) => i === 0 || /->|Index Cond/.test(l))
        .map((l) => l.trim().replace(/^->\s*/, '').replace(/\s*\(cost.*$/, '').replace(/::text/g, '').replace(/'[^']{12,}'/g, "'…'"))
        .join(' → '),
      execMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN),
      rowsRemoved: [...plan.matchAll(/Rows Removed by Filter: (\d+)/g)].reduce((x, m) => x + Number(m[1]), 0),
    }
  }
  try {
    const custom = await info('force_custom_plan')
    const generic = await info('force_generic_plan')
    await c.query('RESET plan_cache_mode')
    return { custom, generic, messages: n }
  } finally {
    c.release()
  }
}

// ---------------------------------------------------------------------------------------------
// Server

/** The app as served plus the bare signed echo, in a scope that keeps the body raw like the webhook routes' scope. */
async function startServer(db: Db): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({
    db, clock: fixedClock(new Date(NOW)),
    config: { holidays: [], lookupRateLimit: 1e9, easypostWebhookSecret: SECRET },
  })
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) => done(null, body))
    scope.post(ECHO_PATH, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
      if (!easypost.verify(raw, req.headers, SECRET)) return reply.code(401).send({ error: 'bad signature' })
      const body = readJson(raw) as { id?: unknown }
      return { ok: true, id: body.id }
    })
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { app, url: `http://127.0.0.1:${port}` }
}

function cannon(data: {
  url: string; path: string; pool: BodyPool; first: number; count: number; connections: number; duration: number; indices?: number[]
}): Promise<CannonResult> {
  const { pool, ...rest } = data
  const workerData = { ...rest, bodies: pool.bodies, offsets: pool.offsets, signatures: pool.signatures }
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./webhook-cannon-worker.mjs', import.meta.url), { workerData, execArgv: [] })
    let result: CannonResult | null = null
    worker.once('message', (m: CannonResult) => (result = m))
    worker.once('error', reject)
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code}`))))
  })
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Counts { carrierEvents: number; byStatus: Record<string, number>; version: number; dirty: number }

async function counts(db: Db): Promise<Counts> {
  const [c] = await db.query<{ events: number; version: number; dirty: number }>(
    `SELECT (SELECT count(*) FROM carrier_events)::int AS events,
            (SELECT coalesce(sum(version), 0) FROM orders)::bigint AS version,
            (SELECT count(*) FROM order_lines WHERE dirty)::int AS dirty`,
  )
  const rows = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM inbound_messages WHERE kind = 'carrier_webhook' GROUP BY status`,
  )
  return { carrierEvents: c.events, version: Number(c.version), dirty: c.dirty, byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])) }
}

/** After a run: requests autocannon left in flight still finish on the server; wait until nothing more lands. */
async function drained(db: Db): Promise<Counts> {
  let prev = await counts(db)
  for (;;) {
    await new Promise((r) => setTimeout(r, 300))
    const now = await counts(db)
    if (JSON.stringify(now) === JSON.stringify(prev)) return now
    prev = now
  }
}

function delta(a: Counts, b: Counts): Delta {
  const d = (s: string) => (b.byStatus[s] ?? 0) - (a.byStatus[s] ?? 0)
  const total = (c: Counts) => Object.values(c.byStatus).reduce((x, y) => x + y, 0)
  return {
    carrierEvents: b.carrierEvents - a.carrierEvents,
    applied: d('applied'),
    duplicate: d('duplicate'),
    other: total(b) - total(a) - d('applied') - d('duplicate'),
    versionBumps: b.version - a.version,
    dirtyLines: b.dirty - a.dirty,
  }
}

/** The pool's backend pids: every client of the pool busy at once, each says who it is. */
async function backendPids(db: Db, n: number): Promise<number[]> {
  const rows = await Promise.all(
    Array.from({ length: n }, () => db.transaction((tx) => tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.1)'))),
  )
  return [...new Set(rows.map((r) => r[0].pid))]
}

const TICK_MS = 1000 / 100 // USER_HZ: 100 on Linux
/** utime + stime of each process still there, ms. */
function procCpuMs(pids: number[]): Map<number, number> {
  const out = new Map<number, number>()
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(pid, (Number(f[11]) + Number(f[12])) * TICK_MS)
    } catch {
      /* gone (an idle pool client is closed after 10 s), or not Linux */
    }
  }
  return out
}

/** CPU the processes used between two readings, over those present in both. */
function cpuBetween(a: Map<number, number>, b: Map<number, number>): number {
  let ms = 0
  for (const [pid, v] of b) if (a.has(pid)) ms += v - a.get(pid)!
  return ms
}

async function measured(
  db: Db, pids: number[], run: () => Promise<CannonResult>,
): Promise<RouteRun> {
  const before = await drained(db)
  const node0 = process.cpuUsage()
  const pg0 = procCpuMs(pids)
  const t0 = performance.now()
  const result = await run()
  const wall = (performance.now() - t0) / 1000
  const nodeMs = (() => { const u = process.cpuUsage(node0); return (u.user + u.system) / 1000 })()
  const pgMs = cpuBetween(pg0, procCpuMs(pids))
  const after = await drained(db)
  const completed = result.reqPerSec * result.duration
  return {
    cannon: result,
    delta: delta(before, after),
    cpu: cpuSplit({ nodeMs, pgMs, wall, completed }),
  }
}

function cpuSplit(raw: CpuSplit['raw']): CpuSplit {
  return { nodeMsPerSec: raw.nodeMs / raw.wall, pgMsPerSec: raw.pgMs / raw.wall, nodeMsPerReq: raw.nodeMs / raw.completed, pgMsPerReq: raw.pgMs / raw.completed, raw }
}

/** Rounds of one route together: requests over total time, sums of what landed and of CPU; p50 the median round's, p99 and max the worst round's. */
function combine(rs: RouteRun[]): RouteRun {
  const sum = <T,>(f: (r: T) => number, xs: T[]) => xs.reduce((a, x) => a + f(x), 0)
  const cs = rs.map((r) => r.cannon)
  const completed = sum((c) => c.reqPerSec * c.duration, cs)
  const duration = sum((c) => c.duration, cs)
  const median = (f: (c: CannonResult) => number) => cs.map(f).sort((a, b) => a - b)[Math.floor((cs.length - 1) / 2)]
  const cannon: CannonResult = {
    duration, total: sum((c) => c.total, cs), reqPerSec: completed / duration,
    meanLatency: sum((c) => c.meanLatency * c.total, cs) / Math.max(1, sum((c) => c.total, cs)),
    p50: median((c) => c.p50), p99: Math.max(...cs.map((c) => c.p99)), max: Math.max(...cs.map((c) => c.max)),
    ok: sum((c) => c.ok, cs), non2xx: sum((c) => c.non2xx, cs), errors: sum((c) => c.errors, cs), timeouts: sum((c) => c.timeouts, cs),
    used: sum((c) => c.used, cs),
  }
  const d = rs.map((r) => r.delta)
  const delta: Delta = {
    carrierEvents: sum((x) => x.carrierEvents, d), applied: sum((x) => x.applied, d), duplicate: sum((x) => x.duplicate, d),
    other: sum((x) => x.other, d), versionBumps: sum((x) => x.versionBumps, d), dirtyLines: sum((x) => x.dirtyLines, d),
  }
  const raw = rs.map((r) => r.cpu.raw)
  const cpu = cpuSplit({ nodeMs: sum((x) => x.nodeMs, raw), pgMs: sum((x) => x.pgMs, raw), wall: sum((x) => x.wall, raw), completed: sum((x) => x.completed, raw) })
  return { cannon, delta, cpu }
}

function assertClean(label: string, r: CannonResult): void {
  const bad = r.non2xx + r.errors + r.timeouts
  if (bad > 0 || r.total === 0) {
    throw new Error(`${label}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts over ${r.total} requests (must all be 2xx)`)
  }
}

/** A Db that counts and times every statement, BEGIN and COMMIT included (as round trips). */
function countingDb(db: Db) {
  const stats = new Map<string, { calls: number; ms: number }>()
  let statements = 0
  let transactions = 0
  const key = (text: string) => text.replace(/\s+/g, ' ').trim()
  const timed = (q: Queryable): Queryable => ({
    async query<T = Row>(text: string, values?: unknown[]) {
      statements++
      const t = performance.now()
      try {
        return await q.query<T>(text, values)
      } finally {
        const s = stats.get(key(text)) ?? { calls: 0, ms: 0 }
        s.calls++
        s.ms += performance.now() - t
        stats.set(key(text), s)
      }
    },
  })
  const counting = {
    ...db,
    ...timed(db),
    transaction: <T,>(fn: (tx: Queryable) => Promise<T>) => {
      transactions++
      return db.transaction((tx) => fn(timed(tx)))
    },
  } as Db
  return { db: counting, stats, get statements() { return statements }, get transactions() { return transactions } }
}

/**
 * A Db that, before running each statement for real, runs it under EXPLAIN (ANALYZE, BUFFERS) and rolls
 * that back (a savepoint inside a transaction, BEGIN … ROLLBACK outside one): the exact statements and
 * values of a real request, on the same connection state.
 */
function explainingDb(db: Db, out: { sql: string; plan: string }[]): Db {
  const explain = async (client: pg.PoolClient, inTx: boolean, text: string, values?: unknown[]) => {
    await client.query(inTx ? 'SAVEPOINT bench_explain' : 'BEGIN')
    const res = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values)
    await client.query(inTx ? 'ROLLBACK TO SAVEPOINT bench_explain' : 'ROLLBACK')
    out.push({ sql: text, plan: res.rows.map((r: Row) => String(r['QUERY PLAN'])).join('\n') })
  }
  const on = (client: pg.PoolClient, inTx: boolean): Queryable => ({
    async query<T = Row>(text: string, values?: unknown[]) {
      await explain(client, inTx, text, values)
      const res = await client.query(text, values)
      return res.rows as T[]
    },
  })
  const withClient = async <T,>(fn: (c: pg.PoolClient) => Promise<T>) => {
    const c = await db.pool.connect()
    try {
      return await fn(c)
    } finally {
      c.release()
    }
  }
  return {
    ...db,
    query: <T = Row>(text: string, values?: unknown[]) => withClient((c) => on(c, false).query<T>(text, values)),
    transaction: <T,>(fn: (tx: Queryable) => Promise<T>) =>
      withClient(async (c) => {
        await c.query('BEGIN')
        try {
          const r = await fn(on(c, true))
          await c.query('COMMIT')
          return r
        } catch (err) {
          await c.query('ROLLBACK').catch(() => {})
          throw err
        }
      }),
  } as Db
}

const short = (sql: string) => {
  const s = sql.replace(/\s+/g, ' ').trim()
  if (s.startsWith('SELECT message_id FROM inbound_messages WHERE kind = $1 AND status')) return 'replay check (SELECT inbound_messages by sha256 / event id)'
  if (s.startsWith('INSERT INTO inbound_messages')) return 'store the raw body (INSERT inbound_messages)'
  if (s.startsWith('INSERT INTO carrier_events')) return 'INSERT carrier_events … ON CONFLICT DO NOTHING'
  if (s.startsWith('WITH touched AS (UPDATE order_lines') || s.startsWith('WITH marked AS ( UPDATE order_lines')) {
    return 'mark the shipments\' lines dirty (UPDATE order_lines; its trigger bumps orders.version)'
  }
  if (s.startsWith("UPDATE inbound_messages SET status = 'applied'")) return 'mark the message applied (UPDATE inbound_messages)'
  return s.slice(0, 80)
}

function summarizeExplains(raw: { sql: string; plan: string }[], requests: number): ExplainRow[] {
  const groups = new Map<string, { n: number; exec: number; trig: number; plan: string; example: string }>()
  for (const { sql, plan } of raw) {
    let what = short(sql)
    if (what.startsWith('INSERT INTO carrier_events') || what.startsWith('INSERT carrier_events')) {
      const inserted = Number(/Tuples Inserted: (\d+)/.exec(plan)?.[1] ?? 0)
      const known = Number(/Conflicting Tuples: (\d+)/.exec(plan)?.[1] ?? 0)
      what += ` (${inserted} new, ${known} already known)`
    }
    const exec = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN)
    const trig = [...plan.matchAll(/Trigger [^:]+: time=([\d.]+)/g)].reduce((s, m) => s + Number(m[1]), 0)
    const g = groups.get(what) ?? { n: 0, exec: 0, trig: 0, plan: '', example: plan }
    g.n++
    g.exec += exec
    g.trig += trig
    // The plan's shape: each node's name and the index it uses, without figures.
    g.plan = plan.split('\n')
      .filter((l, i) => i === 0 || /->/.test(l))
      .map((l) => l.trim().replace(/^->\s*/, '').replace(/\s*\(cost.*$/, ''))
      .join(' → ')
    groups.set(what, g)
  }
  return [...groups.entries()].map(([what, g]) => ({
    what, perRequest: g.n / requests, plan: g.plan, execMs: g.exec / g.n, triggerMs: g.trig / g.n, example: g.example,
  }))
}

// ---------------------------------------------------------------------------------------------
// The run

export async function runWebhookBench(opts: WebhookBenchOptions = {}): Promise<WebhookRun | null> {
  const shipments = opts.shipments ?? intEnv('BENCH_WEBHOOK_SHIPMENTS', 20_000)
  const bodyCount = opts.bodies ?? intEnv('BENCH_WEBHOOK_BODIES', 100_000)
  const duration = opts.duration ?? intEnv('BENCH_DURATION', 10)
  const warmup = opts.warmup ?? 2
  const connections = opts.connections ?? intEnv('BENCH_WEBHOOK_CONNECTIONS', 10)
  const rounds = opts.rounds ?? intEnv('BENCH_WEBHOOK_ROUNDS', 2)
  const profileN = opts.profile ?? Number(process.env.BENCH_WEBHOOK_PROFILE ?? 200)

  const template = loadTemplate()
  let t = performance.now()
  const pool = buildBodies(template, bodyCount, shipments)
  const buildMs = performance.now() - t
  log(`${fmt(bodyCount)} webhook bodies (${pool.minBytes}–${pool.maxBytes} bytes) built and signed in ${secs(buildMs)}`)

  return withBenchDb('postgres', { poolSize: connections }, async (b) => {
    const db = b.db
    t = performance.now()
    await seed(db, shipments, template)
    const seedMs = performance.now() - t
    const [seeded] = await db.query<{ orders: number; shipments: number; events: number }>(
      `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM shipments)::int AS shipments,
              (SELECT count(*) FROM carrier_events)::int AS events`,
    )
    log(`seeded ${fmt(seeded.orders)} orders, ${fmt(seeded.shipments)} shipments, ${fmt(seeded.events)} carrier events in ${secs(seedMs)}`)

    const settings = (await db.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'autovacuum', 'max_connections') ORDER BY name`,
    )).map((x) => `${x.name} ${x.name === 'shared_buffers' ? `${(Number(x.setting) * 8) / 1024} MB` : x.setting}`).join(', ')
    const { app, url } = await startServer(db)
    try {
      // Sanity: both routes refuse a wrongly signed body; the echo answers a signed one; the webhook applies a signed one
      // with 7 events, 6 already known, 1 line marked, and calls the same body again a duplicate.
      const sanity: string[] = []
      const post = async (route: string, p: { body: Buffer; signature: string }, good: boolean) => {
        const res = await app.inject({
          method: 'POST', url: route, payload: p.body,
          headers: { 'content-type': 'application/json', 'x-hmac-signature': good ? p.signature : sign(p.body, 'wrong secret') },
        })
        sanity.push(`${route} ${good ? 'signed' : 'wrongly signed'}: ${res.statusCode} ${res.body}`)
        return res
      }
      const probe = extraBody(template, 'sanity', 0, shipments)
      const ok = [
        (await post(ECHO_PATH, probe, false)).statusCode === 401,
        (await post(WEBHOOK_PATH, probe, false)).statusCode === 401,
        (await post(ECHO_PATH, probe, true)).body === JSON.stringify({ ok: true, id: 'evt_sanity_0' }),
      ]
      {
        const first = (await post(WEBHOOK_PATH, probe, true)).json() as { outcome: string; events: number; summary: string[] }
        const again = (await post(WEBHOOK_PATH, probe, true)).json() as { outcome: string }
        ok.push(first.outcome === 'applied' && first.events === 7 && again.outcome === 'duplicate' &&
          first.summary.filter((l) => l.endsWith('already known')).length === 6 && first.summary.filter((l) => l.endsWith('— 1 line')).length === 1)
      }
      for (const line of sanity) log(`  ${line.slice(0, 300)}`)
      if (ok.includes(false)) throw new Error(`sanity check failed: ${JSON.stringify(ok)} (see above)`)

      // What the webhook adds to the echo in this process, sequentially: signature, JSON, EasyPost reading (zod).
      const readUs = (() => {
        const n = Math.min(2000, bodyCount)
        const offs = new Float64Array(pool.offsets)
        const bufs = Array.from({ length: n }, (_, i) => Buffer.from(pool.bodies, offs[i], offs[i + 1] - offs[i]))
        const time = (f: (b: Buffer, i: number) => unknown) => {
          for (let i = 0; i < Math.min(200, n); i++) f(bufs[i], i) // warm
          const t0 = performance.now()
          for (let i = 0; i < n; i++) f(bufs[i], i)
          return ((performance.now() - t0) * 1000) / n
        }
        const parsed = bufs.map((b) => readJson(b))
        return {
          verify: time((b, i) => easypost.verify(b, { 'x-hmac-signature': pool.signatures[i] }, SECRET)),
          parseJson: time((b) => readJson(b)),
          normalize: time((_b, i) => easypost.normalize(parsed[i])),
        }
      })()
      log(`per body, sequential: verify ${readUs.verify.toFixed(1)} µs, JSON ${readUs.parseJson.toFixed(1)} µs, EasyPost normalize (zod) ${readUs.normalize.toFixed(1)} µs`)

      // Under load: autocannon over the body pool. Webhook-like runs take the bodies in turn from `next` (each applied once).
      const run = (route: string, first: number, count: number, seconds: number) =>
        cannon({ url, path: route, pool, first, count, connections, duration: seconds })
      let next = 0
      const warmApply = async (label: string, route: string) => {
        const wu = await run(route, next, bodyCount - next, warmup)
        assertClean(`${label} warm-up`, wu)
        next += wu.used
      }
      const measureApply = async (label: string, route: string, seconds: number): Promise<RouteRun> => {
        const x = await measured(db, await backendPids(db, connections), () => run(route, next, bodyCount - next, seconds))
        assertClean(label, x.cannon)
        next += x.cannon.used
        if (next >= bodyCount) throw new Error(`${label}: the runs used all ${bodyCount} bodies: raise BENCH_WEBHOOK_BODIES`)
        const d = x.delta
        if (d.duplicate !== 0 || d.other !== 0 || d.applied === 0) {
          throw new Error(`${label}: ${d.applied} applied, ${d.duplicate} duplicates, ${d.other} other outcomes (expected every webhook applied)`)
        }
        log(`  ${label}: ${fmt(x.cannon.reqPerSec)} req/s, p99 ${x.cannon.p99} ms; ${fmt(d.applied)} applied, ${fmt(d.carrierEvents)} carrier events inserted; ` +
          `CPU per request: Node ${x.cpu.nodeMsPerReq.toFixed(2)} ms, PostgreSQL ${x.cpu.pgMsPerReq.toFixed(2)} ms`)
        return x
      }
      const measureEcho = async (seconds: number): Promise<RouteRun> => {
        const x = await measured(db, [], () => run(ECHO_PATH, 0, bodyCount, seconds))
        assertClean('echo', x.cannon)
        log(`  echo: ${fmt(x.cannon.reqPerSec)} req/s, p99 ${x.cannon.p99} ms; CPU per request: Node ${x.cpu.nodeMsPerReq.toFixed(2)} ms`)
        return x
      }

      // Statistics taken before any webhook was stored (a fresh install; on this server autovacuum may be off): the replay check's plan.
      const staleBefore = await replayCheckPlans(db)
      log(`replay check, stale statistics, ${fmt(staleBefore.messages)} webhook messages: custom ${staleBefore.custom.execMs} ms (${staleBefore.custom.rowsRemoved} rows filtered) ` +
        `${staleBefore.custom.shape}; generic ${staleBefore.generic.execMs} ms (${staleBefore.generic.rowsRemoved} rows filtered) ${staleBefore.generic.shape}`)
      const suggested = await replayCheckPlans(db, REPLAY_CHECK_SUGGESTED_SQL)
      log(`suggested replay check, same statistics: custom ${suggested.custom.execMs} ms (${suggested.custom.rowsRemoved} rows filtered) ${suggested.custom.shape}; ` +
        `generic ${suggested.generic.execMs} ms (${suggested.generic.rowsRemoved} rows filtered) ${suggested.generic.shape}`)
      // Both say the same for a body already applied (by hash, by event id) and for a new one.
      for (const [sha, key] of [['x', 'easypost:evt_seed_17'], [(await db.query<{ sha256: string }>('SELECT sha256 FROM inbound_messages WHERE message_id = 18'))[0].sha256, 'x'], ['x', 'x']]) {
        const [a] = await db.query<{ message_id: number | null }>(REPLAY_CHECK_SQL, ['carrier_webhook', sha, key])
        const [b2] = await db.query<{ message_id: number | null }>(REPLAY_CHECK_SUGGESTED_SQL, ['carrier_webhook', sha, key])
        if ((a?.message_id ?? null) !== (b2?.message_id ?? null)) throw new Error(`suggested replay check disagrees: ${a?.message_id} vs ${b2?.message_id}`)
      }
      log(`webhook, stale statistics: ${warmup} s warm-up, ${duration} s measured`)
      await warmApply('webhook, stale statistics', WEBHOOK_PATH)
      const staleWebhook = await measureApply('webhook, stale statistics', WEBHOOK_PATH, duration)
      const staleAfter = await replayCheckPlans(db)
      log(`replay check after that run, ${fmt(staleAfter.messages)} webhook messages: custom ${staleAfter.custom.execMs} ms (${staleAfter.custom.rowsRemoved} rows filtered); generic ${staleAfter.generic.execMs} ms (${staleAfter.generic.rowsRemoved} rows filtered)`)
      await db.query('ANALYZE inbound_messages, carrier_events, order_lines, orders')
      const fresh = await replayCheckPlans(db)
      log(`replay check after ANALYZE: custom ${fresh.custom.execMs} ms (${fresh.custom.rowsRemoved} rows filtered) ${fresh.custom.shape}; ` +
        `generic ${fresh.generic.execMs} ms (${fresh.generic.rowsRemoved} rows filtered) ${fresh.generic.shape}`)
      const stats = { before: staleBefore, suggested, after: staleAfter, fresh, run: staleWebhook }

      // Sequential, unloaded: statements per webhook and their client-side time.
      const counter = countingDb(db)
      const profApp = await buildApp({ db: counter.db, clock: fixedClock(new Date(NOW)), config: { holidays: [], lookupRateLimit: 1e9, easypostWebhookSecret: SECRET } })
      let profMs = 0
      for (let j = 0; j < profileN; j++) {
        const { body, signature } = extraBody(template, 'profile', j, shipments)
        const t0 = performance.now()
        const res = await profApp.inject({ method: 'POST', url: WEBHOOK_PATH, payload: body, headers: { 'content-type': 'application/json', 'x-hmac-signature': signature } })
        profMs += performance.now() - t0
        if (res.statusCode !== 200 || !res.body.includes('"applied"')) throw new Error(`profile webhook ${j}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      }
      await profApp.close()
      const norm = (q: string) => q.replace(/\s+/g, ' ').trim()
      if (!counter.stats.has(norm(REPLAY_CHECK_SQL))) throw new Error('the replay check in src/store/inbound.ts changed: update REPLAY_CHECK_SQL in bench/webhooks.ts')
      const stmts = [...counter.stats.entries()].map(([sql, s]) => ({ sql: short(sql), perRequest: s.calls / profileN, clientMs: s.ms / s.calls }))
      const dbMs = [...counter.stats.values()].reduce((x, s) => x + s.ms, 0)
      const profile = {
        requests: profileN,
        msPerRequest: profMs / Math.max(1, profileN),
        statementsPerRequest: counter.statements / Math.max(1, profileN),
        // Each transaction adds BEGIN and COMMIT round trips.
        roundTripsPerRequest: (counter.statements + 2 * counter.transactions) / Math.max(1, profileN),
        dbMsPerRequest: dbMs / Math.max(1, profileN),
        statements: stmts,
      }
      log(`profile: ${profileN} sequential webhooks, ${profile.msPerRequest.toFixed(2)} ms each, ${profile.statementsPerRequest} statements ` +
        `(${profile.roundTripsPerRequest} round trips), ${profile.dbMsPerRequest.toFixed(2)} ms in the database client`)
      for (const s of stmts) log(`  ${s.perRequest.toFixed(1)}× ${s.clientMs.toFixed(3)} ms  ${s.sql}`)

      // EXPLAIN ANALYZE of each statement of a few real webhooks.
      const EXPLAINED = 20
      const rawPlans: { sql: string; plan: string }[] = []
      const explApp = await buildApp({ db: explainingDb(db, rawPlans), clock: fixedClock(new Date(NOW)), config: { holidays: [], lookupRateLimit: 1e9, easypostWebhookSecret: SECRET } })
      for (let j = 0; j < EXPLAINED; j++) {
        const { body, signature } = extraBody(template, 'explain', j, shipments)
        const res = await explApp.inject({ method: 'POST', url: WEBHOOK_PATH, payload: body, headers: { 'content-type': 'application/json', 'x-hmac-signature': signature } })
        if (res.statusCode !== 200 || !res.body.includes('"applied"')) throw new Error(`explained webhook ${j}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      }
      const applyPlans = rawPlans.splice(0)
      // The same bodies again: the duplicate path.
      for (let j = 0; j < EXPLAINED; j++) {
        const { body, signature } = extraBody(template, 'explain', j, shipments)
        const res = await explApp.inject({ method: 'POST', url: WEBHOOK_PATH, payload: body, headers: { 'content-type': 'application/json', 'x-hmac-signature': signature } })
        if (res.statusCode !== 200 || !res.body.includes('"duplicate"')) throw new Error(`explained replay ${j}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      }
      await explApp.close()
      const explain = {
        requests: EXPLAINED,
        rows: summarizeExplains(applyPlans, EXPLAINED),
        replayRows: summarizeExplains(rawPlans, EXPLAINED).map((r) => ({ ...r, what: `replay: ${r.what}` })),
      }
      for (const r of [...explain.rows, ...explain.replayRows]) {
        log(`  EXPLAIN ${r.perRequest.toFixed(1)}× ${r.execMs.toFixed(3)} ms (triggers ${r.triggerMs.toFixed(3)} ms)  ${r.what}\n    ${r.plan}`)
      }
      log([...explain.rows, ...explain.replayRows].map((r) => `--- ${r.what}\n${r.example}`).join('\n'))

      // Echo and webhook in interleaved rounds, so that a change in the machine's load hits both alike.
      const perRound = Math.max(1, Math.round(duration / rounds))
      log(`echo, webhook: ${warmup} s warm-up each, then ${rounds} rounds of ${perRound} s each, ${connections} connections`)
      assertClean('echo warm-up', await run(ECHO_PATH, 0, bodyCount, warmup))
      await warmApply('webhook', WEBHOOK_PATH)
      const parts: { echo: RouteRun; webhook: RouteRun }[] = []
      for (let i = 0; i < rounds; i++) {
        log(`round ${i + 1}`)
        parts.push({ echo: await measureEcho(perRound), webhook: await measureApply('webhook', WEBHOOK_PATH, perRound) })
      }
      const echo = combine(parts.map((x) => x.echo))
      const webhook = combine(parts.map((x) => x.webhook))
      const roundsReqPerSec = parts.map((x) => ({ echo: x.echo.cannon.reqPerSec, webhook: x.webhook.cannon.reqPerSec }))
      const webhookBodiesUsed = next

      // Replay: the bodies that were applied (read back from the database: a body handed out at the very end of a run may never have been sent).
      const applied = (await db.query<{ i: number }>(
        `SELECT substring(dedupe_key FROM 'evt_bench_([0-9]+)$')::int AS i FROM inbound_messages
          WHERE kind = 'carrier_webhook' AND status = 'applied' AND dedupe_key LIKE 'easypost:evt_bench_%' ORDER BY message_id`,
      )).map((x) => x.i)
      const replayPool = applied.length
      log(`replay: ${warmup} s warm-up, ${duration} s measured, over the ${fmt(replayPool)} applied bodies`)
      const rw = await cannon({ url, path: WEBHOOK_PATH, pool, first: 0, count: 0, connections, duration: warmup, indices: applied })
      assertClean('replay warm-up', rw)
      const replay = await measured(db, await backendPids(db, connections),
        () => cannon({ url, path: WEBHOOK_PATH, pool, first: 0, count: 0, connections, duration, indices: applied }))
      assertClean('replay', replay.cannon)
      const rd = replay.delta
      if (rd.applied !== 0 || rd.carrierEvents !== 0 || rd.other !== 0) {
        throw new Error(`replay run: ${rd.applied} applied, ${rd.carrierEvents} carrier events, ${rd.other} other (expected duplicates only)`)
      }
      log(`  ${fmt(replay.cannon.reqPerSec)} req/s, p99 ${replay.cannon.p99} ms; ${fmt(rd.duplicate)} duplicates recorded`)

      return {
        version: b.version, shipments, bodies: bodyCount, bodyBytes: { min: pool.minBytes, max: pool.maxBytes },
        connections, duration, warmup, seedMs, buildMs,
        seeded: { orders: seeded.orders, shipments: seeded.shipments, carrierEvents: seeded.events },
        sanity, profile, explain, readUs, echo, webhook, replay, stats, rounds: roundsReqPerSec,
        ratio: webhook.cannon.reqPerSec / echo.cannon.reqPerSec,
        webhookBodiesUsed, replayPool, settings,
      }
    } finally {
      await app.close()
    }
  })
}

// ---------------------------------------------------------------------------------------------
// The section

export function webhookSection(r: WebhookRun, loadAvg: number): string {
  const ms = (n: number) => (n < 1 ? '<1' : String(n))
  const perSec = (n: number, x: RouteRun) => n / x.cannon.duration
  const row = (name: string, what: string, x: RouteRun, events: string) =>
    `| ${name} | ${what} | ${fmt(x.cannon.reqPerSec)} | **${(x.cannon.reqPerSec / r.echo.cannon.reqPerSec).toFixed(3)}×** | ${events} | ` +
    `${ms(x.cannon.p50)} | ${ms(x.cannon.p99)} | ${x.cannon.max} | ${x.cannon.non2xx} |`
  const w = r.webhook
  const st = r.stats
  const eventsCell = (x: RouteRun) => `${fmt(perSec(x.delta.carrierEvents, x))} inserted (${fmt(x.cannon.reqPerSec * 7)} details read)`
  const cpuRow = (name: string, x: RouteRun) =>
    `| ${name} | ${fmt(x.cpu.nodeMsPerSec)} | ${fmt(x.cpu.pgMsPerSec)} | ${x.cpu.nodeMsPerReq.toFixed(2)} | ${x.cpu.pgMsPerReq.toFixed(2)} |`
  const execTotal = (rows: ExplainRow[]) => rows.reduce((sum, e) => sum + e.perRequest * e.execMs, 0)
  const explainRow = (e: ExplainRow) =>
    `| ${e.what} | ${e.perRequest.toFixed(0)} | ${e.plan.replace(/\|/g, '\\|')} | ${e.execMs.toFixed(3)} | ${e.triggerMs ? e.triggerMs.toFixed(3) : '—'} |`
  const calls = (start: string) => r.profile.statements.filter((x) => x.sql.startsWith(start)).reduce((n, x) => n + x.perRequest, 0)
  const inserts = calls('INSERT carrier_events')
  const updates = calls('mark the shipments')
  const bumps = w.delta.versionBumps / Math.max(1, w.delta.applied)
  const perEvent = inserts > 1
  const lines = [
    WEBHOOKS_HEADING,
    '',
    `Measured ${today()} by \`node --import tsx bench/webhooks.ts\` (\`runWebhookBench()\` and \`webhookSection()\` for bench/run.ts). Aim: webhook ingest throughput (events/s, p99) ` +
      'of EasyPost `tracker.updated` webhooks through `POST /api/carriers/easypost/webhook`, every request a distinct, correctly signed event, ' +
      'against a bare signed-echo route in the same server process, on PostgreSQL. No target figure was set: these are the measurements.',
    '',
    '| route | each request | req/s | / echo | carrier events/s | p50 ms | p99 ms | max ms | non-2xx |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    row('bare signed echo `POST /bench/echo`', 'HMAC-SHA256 check over the raw body, JSON parsed, `{ ok, id }` answered; no database', r.echo, '—'),
    row('**webhook, new event**', 'signature checked, body stored raw, read, its 7 tracking details applied (6 already known, 1 new), message marked applied; 200 applied', w, eventsCell(w)),
    row('webhook, replay', 'an already applied body again: replay check, stored as a duplicate; 200 duplicate', r.replay, '0'),
    row('webhook, new event, *stale statistics*', 'as "new event", before inbound_messages was analyzed with webhooks in it (first finding below)', st.run, eventsCell(st.run)),
    '',
    `**Result.** The webhook route takes **${fmt(w.cannon.reqPerSec)} webhooks/s = ${fmt(perSec(w.delta.carrierEvents, w))} new carrier events/s ` +
      `(${fmt(w.cannon.reqPerSec * 7)} tracking details/s read and applied), p99 ${w.cannon.p99} ms** at ${r.connections} connections: ` +
      `**${r.ratio.toFixed(3)}×** the echo's ${fmt(r.echo.cannon.reqPerSec)} req/s (p99 ${r.echo.cannon.p99} ms). A replay goes at ` +
      `${(r.replay.cannon.reqPerSec / w.cannon.reqPerSec).toFixed(2)}× the rate of a new event (${fmt(r.replay.cannon.reqPerSec)} req/s, p99 ${r.replay.cannon.p99} ms). ` +
      `With statistics that predate the webhooks, the same route falls to ${fmt(st.run.cannon.reqPerSec)} webhooks/s (p99 ${st.run.cannon.p99} ms). ` +
      'Every answer of every run was a 2xx, with no errors and no timeouts (the benchmark fails otherwise).',
    '',
    `**What landed** (counted in the database after each run, requests left in flight drained first): webhook rounds ${fmt(w.delta.applied)} messages applied, ` +
      `${fmt(w.delta.carrierEvents)} carrier events inserted (${(w.delta.carrierEvents / Math.max(1, w.delta.applied)).toFixed(2)} per webhook), ` +
      `0 duplicates, ${fmt(w.delta.dirtyLines)} more lines dirty, orders.version bumped ${fmt(w.delta.versionBumps)} times (${bumps.toFixed(2)} per webhook: ` +
      'the order_lines trigger bumps it once per UPDATE statement); ' +
      `replay run ${fmt(r.replay.delta.duplicate)} duplicates recorded (each stores its body again), 0 applied, 0 carrier events.`,
    '',
    '**Where the time goes.**',
    '',
    `- *Statements.* ${r.profile.requests} webhooks one after another through \`app.inject\` (unloaded) on a Db that counts and times every statement: ` +
      `**${r.profile.statementsPerRequest} statements, ${r.profile.roundTripsPerRequest} round trips** with BEGIN and COMMIT, and two commits ` +
      `(the raw body is stored and committed before the apply transaction, by design); ${r.profile.msPerRequest.toFixed(2)} ms per webhook, of which ` +
      `${r.profile.dbMsPerRequest.toFixed(2)} ms (${((r.profile.dbMsPerRequest / r.profile.msPerRequest) * 100).toFixed(0)} %) inside \`db.query\` ` +
      '(BEGIN and COMMIT not included). Per statement, calls per webhook × client-side ms: ' +
      r.profile.statements.map((x) => `${x.sql} ${x.perRequest}× ${x.clientMs.toFixed(3)}`).join('; ') + '.',
    `- *In the process.* What the webhook does before the database that the echo does not is small: per body, sequentially, the signature check ` +
      `${r.readUs.verify.toFixed(0)} µs (the echo does it too), JSON ${r.readUs.parseJson.toFixed(0)} µs (the echo too), EasyPost reading with zod ` +
      `${r.readUs.normalize.toFixed(0)} µs (webhook only). Under load the process spends ${w.cpu.nodeMsPerReq.toFixed(2)} ms of CPU per webhook against ` +
      `${r.echo.cpu.nodeMsPerReq.toFixed(2)} ms per echo (load generator included in both); the rest of the difference is the database client's side of ${r.profile.roundTripsPerRequest} round trips, the summary and the response (not broken down further).`,
    `- *Server side.* \`EXPLAIN (ANALYZE, BUFFERS)\` of every statement of ${r.explain.requests} real webhooks (each statement explained in a savepoint ` +
      'rolled back, then run for real; the same bodies again for the replay rows). Every plan is an insert or an index lookup; the executor ' +
      `time adds up to **${execTotal(r.explain.rows).toFixed(2)} ms per new webhook** and ${execTotal(r.explain.replayRows).toFixed(2)} ms per replay, ` +
      `against ${r.profile.dbMsPerRequest.toFixed(2)} ms the client waits unloaded and ${w.cpu.pgMsPerReq.toFixed(2)} ms of backend CPU per webhook under load: ` +
      'no statement is slow once the statistics are right; the rest is per-statement and per-commit work around the executor (protocol, bind, snapshot, WAL flush).',
    '',
    '| statement (server ms: mean EXPLAIN ANALYZE execution time) | per webhook | plan | server ms | of which triggers |',
    '|---|---:|---|---:|---:|',
    ...r.explain.rows.map(explainRow),
    ...r.explain.replayRows.map(explainRow),
    '',
    `- *CPU under load* (this process, server and load generator thread together, from \`process.cpuUsage\`; the pool's ${r.connections} PostgreSQL ` +
      `backends from /proc/<pid>/stat; ms of CPU per second of wall time, out of ${os.cpus().length * 1000}):`,
    '',
    '| run | Node ms/s | PostgreSQL backends ms/s | Node ms/request | PostgreSQL ms/request |',
    '|---|---:|---:|---:|---:|',
    `| echo | ${fmt(r.echo.cpu.nodeMsPerSec)} | — (no database) | ${r.echo.cpu.nodeMsPerReq.toFixed(2)} | — |`,
    cpuRow('webhook', w),
    cpuRow('replay', r.replay),
    cpuRow('webhook, stale statistics', st.run),
    '',
    `**First finding: the replay check needs fresh statistics.** storeInbound's check (\`… WHERE kind = $1 AND status = 'applied' AND (sha256 = $2 OR ($3::text IS NOT NULL AND dedupe_key = $3)) ORDER BY message_id LIMIT 1\`, ` +
      'src/store/inbound.ts) has an OR across two indexes. When the statistics of inbound_messages predate the webhooks (a fresh install analyzed while it held ' +
      'supplier feeds only; this server runs with autovacuum off, so nothing refreshes them), the planner believes no row has kind carrier_webhook and reads ' +
      `\`inbound_messages_sha\` on kind alone, filtering every stored webhook: with ${fmt(st.before.messages)} of them, ` +
      `**${st.before.custom.execMs.toFixed(1)} ms** per check (custom plan; generic ${st.before.generic.execMs.toFixed(1)} ms), ${fmt(st.before.custom.rowsRemoved)} rows filtered, ` +
      `growing with the table (${fmt(st.after.messages)} messages after the run: ${st.after.custom.execMs.toFixed(1)} ms). ` +
      `Under load that is the *stale statistics* row: **${fmt(st.run.cannon.reqPerSec)} webhooks/s** (${(st.run.cannon.reqPerSec / w.cannon.reqPerSec).toFixed(2)}× the analyzed figure), p99 ${st.run.cannon.p99} ms, ` +
      `${st.run.cpu.pgMsPerReq.toFixed(2)} ms of PostgreSQL CPU per webhook; every delivery pays it, replays included. After \`ANALYZE inbound_messages\` ` +
      `the plan is a BitmapOr of \`inbound_messages_sha\` and \`inbound_messages_dedupe\`: ${st.fresh.custom.execMs.toFixed(3)} ms (generic ${st.fresh.generic.execMs.toFixed(3)} ms). ` +
      'With autovacuum on, auto-analyze catches up once enough rows have changed, but until then (and on any server where it is off) the cost is linear in stored webhooks. ' +
      '**Suggested fix:** two lookups that each name every column of their index, so that no statistics can make them scans: ' +
      '`SELECT min(message_id) FROM (SELECT message_id FROM inbound_messages WHERE kind = $1 AND sha256 = $2 AND status = \'applied\' UNION ALL ' +
      'SELECT message_id FROM inbound_messages WHERE kind = $1 AND dedupe_key = $3 AND status = \'applied\') m` ' +
      '(the same answers checked for a hash match, an event-id match and no match). Under the same stale statistics: ' +
      `**${st.suggested.custom.execMs.toFixed(3)} ms** (generic ${st.suggested.generic.execMs.toFixed(3)} ms), ${st.suggested.custom.rowsRemoved} rows filtered: ` +
      `${st.suggested.custom.shape.replace(/\|/g, '\\|')}. The other rows of the table above were measured after ANALYZE.`,
    '',
    perEvent
      ? `**Second finding: one INSERT and one UPDATE per tracking detail.** \`applyCarrierEvents\` (src/carriers/carrier-events.ts) runs ${inserts} INSERTs and ${updates} UPDATEs per webhook, ` +
        'though the details of a webhook share one tracking number and all but one are already known; each UPDATE fires the trigger that bumps orders.version. ' +
        'Suggested fix: all the events of a message in one `INSERT … SELECT … FROM unnest(…) ON CONFLICT DO NOTHING RETURNING …`, then one UPDATE of the lines of the numbers that got a new event.'
      : `**Second finding: what is left per webhook.** \`applyCarrierEvents\` now applies the 7 details in ${inserts} INSERT and ${updates} UPDATE (orders.version bumped ${bumps.toFixed(0)} time per webhook). ` +
        `Earlier on ${'2026-11-27'}, when it ran one INSERT and one UPDATE per tracking detail (17 statements, 19 round trips, orders.version bumped 7 times per webhook), ` +
        'this benchmark measured 616 and 387 webhooks/s in two runs on this machine, and a batched prototype in the same runs 984 and 679 (1.60× and 1.75×). ' +
        `Now a webhook is ${r.profile.roundTripsPerRequest} round trips and two commits. Smaller fixes left: the replay check and the raw INSERT could be one statement ` +
        '(`INSERT … SELECT … RETURNING` with the prior id: one round trip fewer on every delivery, replays included); and the UPDATE of order_lines could be skipped ' +
        'when the INSERT returned no new event (a re-delivery under a new event id with nothing new would then change nothing: no version bump, no dead row).',
    '',
    machineLine(loadAvg, [{ label: 'PostgreSQL', version: r.version }]) + ` \`SELECT version()\`: ${r.version}. ` +
      `The server runs on the same machine; settings: ${r.settings}.`,
    '',
    `**Data.** Seeded with set-based SQL in ${secs(r.seedMs)}: ${fmt(r.seeded.orders)} orders with one shipped line each (swept: not dirty), ` +
      `${fmt(r.seeded.shipments)} shipments with distinct tracking numbers (\`EZ0000000001\` …), one inbound message (the shipment notice, their FK parent); then ANALYZE; ` +
      'then, as earlier deliveries of the same trackers, one stored and applied EasyPost webhook per shipment (a small body) with the fixture\'s first 6 tracking details as its carrier events ' +
      `(${fmt(r.seeded.carrierEvents)} in all), not analyzed until the stale-statistics run is done. ` +
      `${fmt(r.bodies)} webhook bodies (${r.bodyBytes.min}–${r.bodyBytes.max} bytes) built from test/fixtures/carrier-events/easypost/event-body.json and signed up front in ${secs(r.buildMs)}: ` +
      `body *i* has the event id \`evt_bench_i\`, the tracking code of shipment *i* mod ${fmt(r.shipments)}, and its latest tracking detail (and \`updated_at\`) at a new datetime, ` +
      'so each is a new event for wismo: 6 details already known, 1 new, the steady state of a tracker (every update carries its whole history).',
    '',
    `**Method.** One process: \`buildApp\` with a pool of ${r.connections} (EasyPost secret set, clock frozen at ${NOW}) plus \`POST /bench/echo\`, ` +
      'registered in an encapsulated scope that keeps the body raw like the webhook routes\' scope (same content-type parser, ' +
      'the same `easypost.verify` over the raw bytes, `readJson`), listening on 127.0.0.1; ' +
      `autocannon 9 in a worker thread of the same process, ${r.connections} connections. In order: webhook with stale statistics (${r.warmup} s warm-up, ${r.duration} s measured); ` +
      '`ANALYZE inbound_messages, carrier_events, order_lines, orders`; the sequential profile and the EXPLAINs; ' +
      `echo and webhook (${r.warmup} s warm-up each, then ${r.rounds.length} interleaved rounds of ${Math.round(r.duration / r.rounds.length)} s each, so that a change in the machine's load ` +
      'hits both alike: req/s over all rounds, p50 the median round\'s, p99 and max the worst round\'s; per round, req/s echo / webhook: ' +
      r.rounds.map((x) => `${fmt(x.echo)} / ${fmt(x.webhook)}`).join('; ') + `); replay (${r.warmup} s warm-up, ${r.duration} s measured). ` +
      'The worker gets the bodies in a SharedArrayBuffer with their signatures, so the load generator neither signs nor copies per request. ' +
      `Echo: the pool in turn. Webhook runs: the pool in turn, each from where the previous one stopped (${fmt(r.webhookBodiesUsed)} bodies handed out in all; ` +
      `consecutive requests hit different shipments). Replay: the ${fmt(r.replayPool)} bodies the runs applied (read back from inbound_messages), in turn, again. ` +
      'Server-side figures: EXPLAIN ANALYZE execution times (planning excluded); CPU from the kernel\'s per-process counters. ' +
      'req/s is completed requests over the run\'s time; carrier events/s is the rows the run added to carrier_events over its time. ' +
      'Before the load, sanity checks: a wrongly signed body gets 401 on both routes; a signed one gets 200 `{ ok, id }` from the echo, and 200 applied with 7 events ' +
      '(6 "already known", 1 line marked), then 200 duplicate, from the webhook.',
  ]
  return lines.join('\n') + '\n'
}

async function main(): Promise<void> {
  const load = os.loadavg()[0]
  const started = performance.now()
  const r = await runWebhookBench()
  if (!r) throw new Error('PostgreSQL is needed and was unreachable')
  // BENCH_WEBHOOK_WRITE=0: print the section instead of writing it (trial runs).
  if (process.env.BENCH_WEBHOOK_WRITE === '0') log(`\n${webhookSection(r, load)}`)
  else writeSection(WEBHOOKS_HEADING, webhookSection(r, load))
  log(`webhooks: done in ${secs(performance.now() - started)}; ${shortVersion(r.version)}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(`\nwebhooks bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}`)
      process.exit(1)
    },
  )
}
