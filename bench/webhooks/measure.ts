/**
 * Measuring the webhook suite: the server (the app plus a bare signed echo in a raw-body scope like
 * the webhook routes'), autocannon in a worker thread over the signed bodies, what each run added
 * to the database, and the CPU of this process and of the pool's PostgreSQL backends.
 */
import fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { AddressInfo } from 'node:net'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/http/app.ts'
import { fixedClock } from '../../src/clock.ts'
import type { Db } from '../../src/store/db.ts'
import * as easypost from '../../src/carriers/webhooks/easypost.ts'
import { readJson } from '../../src/carriers/webhooks/common.ts'
import { SECRET, type BodyPool } from './bodies.ts'

export const WEBHOOK_PATH = '/api/carriers/easypost/webhook'
export const ECHO_PATH = '/bench/echo'
/** The bare baseline: the same HMAC check, then one INSERT of the raw body into a table of its own. */
export const BARE_PATH = '/bench/bare'
export const BARE_TABLE = 'bench_webhook_bare'
/** The clock the app runs on (received_at / applied_at of every message). */
export const NOW = '2024-08-03T00:00:00Z'

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
  /** Rows the bare baseline inserted. */
  bareRows: number
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
  /** After the load stopped: until no carrier webhook was left `received` (0 for the other routes). */
  tailMs: number
  /** Applied by the time the load stopped. */
  appliedAtStop: number
}

export async function startServer(db: Db): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({
    db, clock: fixedClock(new Date(NOW)),
    config: { holidays: [], lookupRateLimit: 1e9, easypostWebhookSecret: SECRET },
  })
  await db.query(`CREATE TABLE IF NOT EXISTS ${BARE_TABLE} (id bigserial PRIMARY KEY, body bytea NOT NULL, received_at timestamptz NOT NULL)`)
  // The bare baseline: verify, one INSERT (autocommit, one round trip), answered 202 — what a webhook route cannot do with less.
  await addRawRoute(app, BARE_PATH, async (raw, headers) => {
    if (!easypost.verify(raw, headers, SECRET)) return null
    const [row] = await db.query<{ id: string }>(`INSERT INTO ${BARE_TABLE} (body, received_at) VALUES ($1, $2) RETURNING id`, [raw, new Date(NOW)])
    return { ok: true, id: Number(row.id) }
  })
  return listenWithEcho(app, ECHO_PATH, (raw, headers) => {
    if (!easypost.verify(raw, headers, SECRET)) return null
    const body = readJson(raw) as { id?: unknown }
    return { ok: true, id: body.id }
  })
}

/** A POST route in a raw-body scope like the webhook routes': `answer` gets the raw body and headers and returns the reply, or null for a 401. */
export async function addRawRoute(
  app: FastifyInstance, path: string, answer: (raw: Buffer, headers: IncomingHttpHeaders) => unknown | null | Promise<unknown | null>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) => done(null, body))
    scope.post(path, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
      const out = await answer(raw, req.headers)
      return out == null ? reply.code(401).send({ error: 'bad signature' }) : out
    })
  })
}

/**
 * Adds the bare signed echo to `app` (in a raw-body scope like the webhook routes': `answer` gets
 * the raw body and headers and returns the reply, or null for a 401) and listens on a free port.
 */
export async function listenWithEcho(
  app: FastifyInstance, path: string, answer: (raw: Buffer, headers: IncomingHttpHeaders) => unknown | null,
): Promise<{ app: FastifyInstance; url: string }> {
  await addRawRoute(app, path, answer)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { app, url: `http://127.0.0.1:${port}` }
}

/** What the load generator adds to each request besides the body and its signature (bench/webhook-cannon-worker.mjs). */
export interface RequestHeaders {
  signatureHeader?: string
  headers?: Record<string, string>
  idHeader?: string
  idPrefix?: string
}

export function cannon(data: {
  url: string; path: string; pool: BodyPool; first: number; count: number; connections: number; duration: number; indices?: number[]
} & RequestHeaders): Promise<CannonResult> {
  const { pool, ...rest } = data
  const workerData = { ...rest, bodies: pool.bodies, offsets: pool.offsets, signatures: pool.signatures }
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../webhook-cannon-worker.mjs', import.meta.url), { workerData, execArgv: [] })
    let result: CannonResult | null = null
    worker.once('message', (m: CannonResult) => (result = m))
    worker.once('error', reject)
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code}`))))
  })
}

interface Counts { carrierEvents: number; byStatus: Record<string, number>; version: number; dirty: number; bare: number }

async function counts(db: Db): Promise<Counts> {
  const [c] = await db.query<{ events: number; version: number; dirty: number; bare: number }>(
    `SELECT (SELECT count(*) FROM carrier_events)::int AS events, (SELECT count(*) FROM ${BARE_TABLE})::int AS bare,
            (SELECT coalesce(sum(version), 0) FROM orders)::bigint AS version,
            (SELECT count(*) FROM order_lines WHERE dirty)::int AS dirty`,
  )
  const rows = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM inbound_messages WHERE kind = 'carrier_webhook' GROUP BY status`,
  )
  return { carrierEvents: c.events, version: Number(c.version), dirty: c.dirty, bare: c.bare, byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])) }
}

/** After a run: requests autocannon left in flight still finish on the server; wait until nothing more lands. */
export async function drained(db: Db): Promise<Counts> {
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
    bareRows: b.bare - a.bare,
  }
}

/** Webhooks are answered once stored and applied after: polls (every 25 ms) until none is left `received`; how long that took. */
export async function tail(db: Db): Promise<{ ms: number; appliedAtStop: number }> {
  const t0 = performance.now()
  const left = async () => (await db.query<{ received: number; applied: number }>(
    `SELECT count(*) FILTER (WHERE status = 'received')::int AS received, count(*) FILTER (WHERE status = 'applied')::int AS applied
       FROM inbound_messages WHERE kind = 'carrier_webhook'`))[0]
  const first = await left()
  let now = first
  while (now.received > 0) {
    if (performance.now() - t0 > 600_000) throw new Error(`webhooks: ${now.received} still not applied 10 minutes after the load stopped`)
    await new Promise((r) => setTimeout(r, 25))
    now = await left()
  }
  return { ms: performance.now() - t0, appliedAtStop: first.applied }
}

/** The pool's backend pids: every client of the pool busy at once, each says who it is. */
export async function backendPids(db: Db, n: number): Promise<number[]> {
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

/** Starts counting CPU: this process's, and that of the processes `pids` (the pool's backends); `stop` says how much each used since. */
export function cpuMeter(pids: number[]): { stop(): { nodeMs: number; pgMs: number } } {
  const node0 = process.cpuUsage()
  const pg0 = procCpuMs(pids)
  return {
    stop() {
      const u = process.cpuUsage(node0)
      return { nodeMs: (u.user + u.system) / 1000, pgMs: cpuBetween(pg0, procCpuMs(pids)) }
    },
  }
}

/** One route's run: what it added to the database, its CPU, and (`waitTail`) how long applying what it was answered took after the load stopped. */
export async function measured(
  db: Db, pids: number[], run: () => Promise<CannonResult>, waitTail = false,
): Promise<RouteRun> {
  const before = await drained(db)
  const meter = cpuMeter(pids)
  const t0 = performance.now()
  const result = await run()
  const wall = (performance.now() - t0) / 1000
  const { nodeMs, pgMs } = meter.stop()
  const t = waitTail ? await tail(db) : { ms: 0, appliedAtStop: 0 }
  const after = await drained(db)
  const completed = result.reqPerSec * result.duration
  return {
    cannon: result,
    delta: delta(before, after),
    cpu: cpuSplit({ nodeMs, pgMs, wall, completed }),
    tailMs: t.ms,
    appliedAtStop: waitTail ? t.appliedAtStop - (before.byStatus.applied ?? 0) : 0,
  }
}

export function cpuSplit(raw: CpuSplit['raw']): CpuSplit {
  return { nodeMsPerSec: raw.nodeMs / raw.wall, pgMsPerSec: raw.pgMs / raw.wall, nodeMsPerReq: raw.nodeMs / raw.completed, pgMsPerReq: raw.pgMs / raw.completed, raw }
}

/** Rounds of one route together: requests over total time, sums of what landed and of CPU; p50 the median round's, p99 and max the worst round's. */
export function combine(rs: RouteRun[]): RouteRun {
  const sum = <T,>(f: (r: T) => number, xs: T[]) => xs.reduce((a, x) => a + f(x), 0)
  const d = rs.map((r) => r.delta)
  const delta: Delta = {
    carrierEvents: sum((x) => x.carrierEvents, d), applied: sum((x) => x.applied, d), duplicate: sum((x) => x.duplicate, d),
    other: sum((x) => x.other, d), versionBumps: sum((x) => x.versionBumps, d), dirtyLines: sum((x) => x.dirtyLines, d),
    bareRows: sum((x) => x.bareRows, d),
  }
  return {
    cannon: combineCannon(rs.map((r) => r.cannon)), delta, cpu: combineCpu(rs.map((r) => r.cpu)),
    tailMs: Math.max(...rs.map((r) => r.tailMs)), appliedAtStop: sum((x) => x.appliedAtStop, rs),
  }
}

/** Rounds of one route's load: requests over total time, p50 the median round's, p99 and max the worst round's. */
export function combineCannon(cs: CannonResult[]): CannonResult {
  const sum = (f: (c: CannonResult) => number) => cs.reduce((a, c) => a + f(c), 0)
  const duration = sum((c) => c.duration)
  const median = (f: (c: CannonResult) => number) => cs.map(f).sort((a, b) => a - b)[Math.floor((cs.length - 1) / 2)]
  return {
    duration, total: sum((c) => c.total), reqPerSec: sum((c) => c.reqPerSec * c.duration) / duration,
    meanLatency: sum((c) => c.meanLatency * c.total) / Math.max(1, sum((c) => c.total)),
    p50: median((c) => c.p50), p99: Math.max(...cs.map((c) => c.p99)), max: Math.max(...cs.map((c) => c.max)),
    ok: sum((c) => c.ok), non2xx: sum((c) => c.non2xx), errors: sum((c) => c.errors), timeouts: sum((c) => c.timeouts),
    used: sum((c) => c.used),
  }
}

/** CPU of several rounds: from the sums of their readings. */
export function combineCpu(cs: CpuSplit[]): CpuSplit {
  const sum = (f: (r: CpuSplit['raw']) => number) => cs.reduce((a, c) => a + f(c.raw), 0)
  return cpuSplit({ nodeMs: sum((x) => x.nodeMs), pgMs: sum((x) => x.pgMs), wall: sum((x) => x.wall), completed: sum((x) => x.completed) })
}

export function assertClean(label: string, r: CannonResult): void {
  const bad = r.non2xx + r.errors + r.timeouts
  if (bad > 0 || r.total === 0) {
    throw new Error(`${label}: ${r.non2xx} non-2xx answers, ${r.errors} errors, ${r.timeouts} timeouts over ${r.total} requests (must all be 2xx)`)
  }
}

