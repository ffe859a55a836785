/**
 * A large retailer's day at scale, end to end (issue 20), on PostgreSQL: a real `wismo serve`
 * plus N real `wismo worker` processes (child processes through bin/wismo.js, DATABASE_URL to a
 * database of their own, dropped afterwards), the day's work through the real interfaces:
 *
 *   load      the base state (ORDERS × LINES open lines, acknowledged, a third shipped), set-based (bench/day/load.ts)
 *   feeds     20 suppliers' 846, 855 and 856 POSTed to /api/suppliers/:id/feeds with each supplier's key
 *   webhooks  WEBHOOKS signed EasyPost tracker.updated events POSTed to /api/carriers/easypost/webhook
 *   sweeps    the workers' sweeps (every 5 s) until no line is left to derive
 *   outreach  until every queued message is accepted by a local SMTP server (smtp-server)
 *
 * Customer lookups run meanwhile (2 in flight, feeds and webhooks). The processes' clock is pinned
 * (WISMO_NOW) at 11:00 New York on a Monday; quiet hours off. CPU per phase from /proc: the wismo
 * processes, the database's backends for this database (pg_stat_activity), and this load generator.
 *
 * Checks (fail the suite): every feed applied, every webhook applied once (a replay of a sample is
 * a duplicate), every order the 855s backordered got exactly one message and no other order one,
 * stored views byte-identical to the cold derivation for a sample.
 *
 *   BENCH_DAY_ORDERS=50000  BENCH_DAY_LINES_PER_ORDER=20  BENCH_DAY_WEBHOOKS=500000  BENCH_DAY_WORKERS=1,2,4
 *   BENCH_DAY_SCALE=1       divides the three sizes (20: a twentieth of the day)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import net from 'node:net'
import { randomBytes, createHmac } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { SMTPServer } from 'smtp-server'
import { openDb, type Db } from '../../src/store/db.ts'
import { issueSupplierKey } from '../../src/store/supplier-keys.ts'
import { SERVER_URL, fmt, log, root, safeUrl, secs, serverUnreachable, withCleanup } from '../common.ts'
import { DAY_NOW, DAY_SUPPLIERS, emailOf, loadDay, supplierId } from './load.ts'
import { dayFiles } from './files.ts'

const SECRET = 'whsec_day_bench_0123456789abcdef'
const PHASES = ['load', 'start', 'feeds', 'webhooks', 'sweeps', 'outreach'] as const
type Phase = (typeof PHASES)[number]

export const FULL = { orders: 50_000, linesPerOrder: 20, webhooks: 500_000 }

export interface DaySize { orders: number; linesPerOrder: number; webhooks: number; scale: number }

export function daySize(): DaySize {
  const scale = Number(process.env.BENCH_DAY_SCALE || 1)
  if (!(scale >= 1)) throw new Error('BENCH_DAY_SCALE must be a number ≥ 1')
  const n = (name: string, full: number) => Math.max(1, Math.round(Number(process.env[name] || full / scale)))
  return { orders: n('BENCH_DAY_ORDERS', FULL.orders), linesPerOrder: Number(process.env.BENCH_DAY_LINES_PER_ORDER || FULL.linesPerOrder), webhooks: n('BENCH_DAY_WEBHOOKS', FULL.webhooks), scale }
}

export interface PhaseFigures { ms: number; nodeCpuMs: number; dbCpuMs: number; benchCpuMs: number }

export interface DayRun {
  workers: number
  size: DaySize
  lines: number
  files: number
  feedItems: number
  webhooks: number
  replays: number
  lookups: { count: number; p50: number; p99: number }
  messages: number
  toTell: number
  backordered: number
  shipped856: number
  viewsSame: { checked: number; same: number }
  phases: Record<Phase, PhaseFigures>
  /** feeds → last message accepted (the day's work, without the load and the start). */
  dayMs: number
  sweepLog: string[]
  load: number
}

// ---------- processes, CPU, HTTP ----------

const TICK = 100 // USER_HZ on Linux
function cpuMsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICK
  } catch {
    return null
  }
}

/** Last CPU seen per process; backends come and go, so each is sampled often and its last figure kept. */
class CpuMeter {
  node = new Map<number, number>()
  db = new Map<number, number>()
  private timer: NodeJS.Timeout | null = null
  constructor(private admin: pg.Client, private dbName: string, private nodePids: () => number[]) {}
  private sampling = false
  async sample(): Promise<void> {
    if (this.sampling) return
    this.sampling = true
    try { await this.sampleOnce() } finally { this.sampling = false }
  }
  private async sampleOnce(): Promise<void> {
    for (const pid of this.nodePids()) { const c = cpuMsOf(pid); if (c !== null) this.node.set(pid, c) }
    const rows = await this.admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [this.dbName]).catch(() => ({ rows: [] }))
    for (const { pid } of rows.rows) { const c = cpuMsOf(pid); if (c !== null) this.db.set(pid, c) }
  }
  start(): void { this.timer = setInterval(() => void this.sample(), 500) }
  stop(): void { if (this.timer) clearInterval(this.timer) }
  totals(): { node: number; db: number } {
    let node = 0
    let db = 0
    for (const v of this.node.values()) node += v
    for (const v of this.db.values()) db += v
    return { node, db }
  }
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = net.createServer()
  s.once('error', reject)
  s.listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)) })
})

// Whatever ends this process, its wismo children end with it.
const running = new Set<ChildProcess>()
process.on('exit', () => { for (const c of running) c.kill('SIGKILL') })

function startWismo(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, logs: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'wismo.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    child.once('exit', () => running.delete(child))
    let out = ''
    const timer = setTimeout(() => reject(new Error(`wismo ${args.join(' ')}: not ready after 300 s:\n${out.slice(-2000)}`)), 300_000)
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      if (ready.test(out)) { clearTimeout(timer); resolve(child) }
    })
    child.stderr!.on('data', (c: Buffer) => {
      for (const line of c.toString().split('\n')) if (line.trim()) { logs.push(`${args[0]}[${child.pid}] ${line}`); if (logs.length > 5000) logs.shift() }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`wismo ${args.join(' ')} exited ${code}:\n${out.slice(-2000)}\n${logs.slice(-20).join('\n')}`)) })
  })
}

async function stopWismo(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const t = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(t)
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
function request(port: number, method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers: body ? { ...headers, 'content-length': String(body.length) } : headers, agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function inParallel<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i], i) }
  }))
}

async function smtpSink(onAccept: (to: string, raw: string) => void) {
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], disableReverseLookup: true, logger: false, size: 0,
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        for (const r of session.envelope.rcptTo) onAccept(r.address.toLowerCase(), raw)
        cb()
      })
    },
  })
  server.on('error', () => {})
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}/?ignoreTLS=true`, close: () => new Promise<void>((r) => server.close(() => r())) }
}

// ---------- the webhooks ----------

const signOf = (body: Buffer) => `hmac-sha256-hex=${createHmac('sha256', Buffer.from(SECRET.normalize('NFKD'), 'utf8')).update(body).digest('hex')}`
const STATUSES = ['in_transit', 'in_transit', 'out_for_delivery', 'delivered']
function webhookBody(i: number, tracking: string[]): Buffer {
  const tn = tracking[i % tracking.length]
  const k = Math.min(7, Math.floor(i / tracking.length))
  const status = STATUSES[Math.min(k, STATUSES.length - 1)]
  const at = new Date(Date.parse(DAY_NOW) - 5 * 3_600_000 + k * 1_800_000 + (i % 600) * 1000).toISOString().replace('.000Z', 'Z')
  return Buffer.from(JSON.stringify({
    id: `evt_day_${i}`, description: 'tracker.updated', created_at: at,
    result: {
      tracking_code: tn, status, updated_at: at, carrier: 'UPS',
      tracking_details: [{ status, message: status.replace(/_/g, ' '), datetime: at, tracking_location: { city: 'Memphis', state: 'TN', country: 'US', zip: '38118' } }],
    },
  }))
}

// ---------- one day ----------

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : 0)

async function createDatabase(): Promise<{ name: string; url: string; admin: pg.Client }> {
  const parsed = new URL(SERVER_URL)
  if (!parsed.username) parsed.username = process.env.PGUSER ?? 'postgres'
  const admin = new pg.Client({ connectionString: parsed.toString() })
  await admin.connect()
  const name = `bench_day_${randomBytes(4).toString('hex')}`
  await admin.query(`CREATE DATABASE ${name}`)
  parsed.pathname = `/${name}`
  return { name, url: parsed.toString(), admin }
}

export async function benchDayOnce(workers: number, size: DaySize): Promise<DayRun> {
  const { name, url, admin } = await createDatabase()
  log(`\n== day with ${workers} worker(s): database ${name} on ${safeUrl(SERVER_URL)}`)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-bench-day-'))
  const children: ChildProcess[] = []
  let db: Db | null = null
  return withCleanup(async () => {
    await Promise.allSettled(children.map(stopWismo))
    await db?.close().catch(() => {})
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err) => log(`could not drop ${name}: ${err.message}`))
    await admin.end().catch(() => {})
    fs.rmSync(tmp, { recursive: true, force: true })
  }, async () => {
    const loadAvg = os.loadavg()[0]
    const phases = {} as Record<Phase, PhaseFigures>
    db = await openDb({ url, poolSize: 4 })
    const meter = new CpuMeter(admin, name, () => children.map((c) => c.pid!).filter(Boolean))
    let mark = { t: performance.now(), ...meter.totals(), bench: process.cpuUsage() }
    const endPhase = async (phase: Phase) => {
      await meter.sample()
      const now = { t: performance.now(), ...meter.totals(), bench: process.cpuUsage() }
      const bench = process.cpuUsage(mark.bench)
      phases[phase] = { ms: now.t - mark.t, nodeCpuMs: now.node - mark.node, dbCpuMs: now.db - mark.db, benchCpuMs: (bench.user + bench.system) / 1000 }
      log(`  ${phase}: ${secs(phases[phase].ms)} (wismo CPU ${secs(phases[phase].nodeCpuMs)}, database CPU ${secs(phases[phase].dbCpuMs)})`)
      mark = now
    }
    meter.start()

    // load: the base state, set-based, in this process (its backends are this database's too).
    const loaded = await loadDay(db, size.orders, size.linesPerOrder)
    const keys = new Map<string, string>()
    for (let s = 1; s <= DAY_SUPPLIERS; s++) keys.set(supplierId(s), await issueSupplierKey(db, supplierId(s)))
    const day = await dayFiles(db)
    const tracking = (await db.query<{ tracking_number: string }>(`SELECT tracking_number FROM shipments WHERE tracking_number LIKE 'EZDAY%' ORDER BY 1`)).map((r) => r.tracking_number)
    const pairs = (await db.query<{ order_number: string; customer_id: number }>('SELECT order_number, customer_id FROM orders ORDER BY order_id')).map((r) => [r.order_number, emailOf(r.customer_id)] as [string, string])
    log(`  loaded ${fmt(loaded.counts.order_lines)} lines of ${fmt(loaded.counts.orders)} orders in ${secs(loaded.ms)}; ${day.files.length} files (${fmt(day.backordered)} lines backordered, ${fmt(day.confirmed)} re-confirmed, ${fmt(day.shipped)} shipped); ${fmt(tracking.length)} parcels`)
    await endPhase('load')

    // start: serve + N workers, the CLI's own entry point.
    const received = new Map<string, number>()
    const sink = await smtpSink((to) => received.set(to, (received.get(to) ?? 0) + 1))
    const port = await freePort()
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production',
      DATABASE_URL: url, WISMO_NOW: DAY_NOW, WISMO_PORT: String(port), WISMO_DATA_DIR: tmp, WISMO_SECRET: 'day-bench-secret-0123456789',
      EASYPOST_WEBHOOK_SECRET: SECRET, SMTP_URL: sink.url, WISMO_SWEEP_INTERVAL_SECONDS: '5',
      WISMO_QUIET_START_HOUR: '0', WISMO_QUIET_END_HOUR: '0', WISMO_LOOKUP_RATE_LIMIT: '100000000',
      WISMO_LOOKUP_FAILURES_PER_CLIENT: '10000', WISMO_ETA_LEARNING: 'off', WISMO_FEED_MAX_MB: '1024',
      // A file applied on a machine this busy can take longer than the default minute: the bench waits for it.
      WISMO_REQUEST_TIMEOUT_SECONDS: '3600', WISMO_IDLE_TIMEOUT_SECONDS: '3600', WISMO_KEEP_ALIVE_TIMEOUT_SECONDS: '3600',
    }
    const logs: string[] = []
    children.push(await startWismo(['serve'], env, /listening on/, logs))
    for (let w = 0; w < workers; w++) children.push(await startWismo(['worker'], env, /worker running/, logs))
    await endPhase('start')

    // lookups meanwhile (feeds and webhooks).
    let looking = true
    const lookupMs: number[] = []
    const lookupErrors: string[] = []
    const lookups = Promise.all([0, 1].map(async (w) => {
      let i = w
      while (looking) {
        const [number, email] = pairs[(i * 7919) % pairs.length]
        i += 2
        const t = performance.now()
        try {
          const r = await request(port, 'GET', `/api/orders/${encodeURIComponent(number)}/status?email=${encodeURIComponent(email)}`, {})
          lookupMs.push(performance.now() - t)
          if (r.status !== 200) lookupErrors.push(`${number}: ${r.status} ${r.body.slice(0, 200)}`)
        } catch (err) {
          lookupErrors.push(`${number}: ${(err as Error).message}`)
          if (!looking) return
          await new Promise((r) => setTimeout(r, 100))
        }
      }
    }))

    // feeds: every 846 first, then the 855s, then the 856s; 4 files in flight.
    const dayStart = performance.now()
    const feedProblems: string[] = []
    for (const kind of ['846', '855', '856'] as const) {
      await inParallel(day.files.filter((f) => f.kind === kind), 4, async (f) => {
        const t = performance.now()
        const r = await request(port, 'POST', `/api/suppliers/${f.supplierId}/feeds?filename=${encodeURIComponent(f.name)}`,
          { authorization: `Bearer ${keys.get(f.supplierId)}`, 'content-type': 'application/edi-x12' }, f.body)
          .catch((err: Error) => ({ status: 0, body: `${err.message} after ${secs(performance.now() - t)}; serve ${children[0].exitCode === null ? 'running' : `exited ${children[0].exitCode}`}; ${logs.slice(-5).join(' | ')}` }))
        const outcome = r.status === 200 ? (JSON.parse(r.body) as { outcome: string }).outcome : null
        if (outcome !== 'applied') feedProblems.push(`${f.name}: ${r.status} ${r.body.slice(0, 300)}`)
      })
    }
    await endPhase('feeds')

    // webhooks: signed as they go, 16 in flight.
    const hookProblems: string[] = []
    const ids = Array.from({ length: size.webhooks }, (_, i) => i)
    await inParallel(ids, 16, async (i) => {
      const body = webhookBody(i, tracking)
      const r = await request(port, 'POST', '/api/carriers/easypost/webhook', { 'content-type': 'application/json', 'x-hmac-signature': signOf(body) }, body)
        .catch((err: Error) => ({ status: 0, body: err.message }))
      if (r.status !== 200 || !r.body.includes('"applied"')) { if (hookProblems.length < 20) hookProblems.push(`${i}: ${r.status} ${r.body.slice(0, 300)}`); else hookProblems.push('') }
    })
    looking = false
    await lookups
    await endPhase('webhooks')

    // sweeps: until no line is left to derive nor any order left for outreach.
    const waitFor = async (what: string, done: () => Promise<boolean>, progress: () => Promise<number>) => {
      let last = await progress()
      let lastChange = performance.now()
      while (!(await done())) {
        await new Promise((r) => setTimeout(r, 250))
        const p = await progress()
        if (p !== last) { last = p; lastChange = performance.now() }
        if (performance.now() - lastChange > 180_000) throw new Error(`day: ${what}: no progress for 180 s (${p} left)\n${logs.slice(-30).join('\n')}`)
      }
    }
    const count = async (sql: string) => Number((await db!.query<{ n: number }>(sql))[0].n)
    const left = () => count('SELECT (SELECT count(*) FROM order_lines WHERE dirty) + (SELECT count(*) FROM outreach_queue) AS n')
    await waitFor('sweeps', async () => (await left()) === 0, left)
    await endPhase('sweeps')

    // outreach: until nothing is queued and the SMTP server has every message.
    const queued = () => count(`SELECT count(*) AS n FROM notifications WHERE status NOT IN ('sent', 'failed', 'suppressed', 'cancelled')`)
    await waitFor('outreach', async () => (await queued()) === 0 && [...received.values()].reduce((a, b) => a + b, 0) >= day.toTell.size, queued)
    await endPhase('outreach')
    const dayMs = performance.now() - dayStart
    meter.stop()

    // ---- checks ----
    const problems: string[] = []
    if (feedProblems.length) problems.push(`feeds not applied: ${feedProblems.slice(0, 5).join('; ')}`)
    const feedsApplied = await count(`SELECT count(*) AS n FROM inbound_messages WHERE message_id > ${2 * DAY_SUPPLIERS} AND kind <> 'carrier_webhook' AND status = 'applied'`)
    if (feedsApplied !== day.files.length) problems.push(`${feedsApplied} supplier files applied, expected ${day.files.length}`)
    if (hookProblems.length) problems.push(`${hookProblems.length} webhooks not applied: ${hookProblems.filter(Boolean).slice(0, 5).join('; ')}`)
    // A replay of a sample: each a duplicate, nothing applied twice.
    const replays = ids.filter((i) => i % Math.max(1, Math.floor(size.webhooks / 200)) === 0)
    await inParallel(replays, 8, async (i) => {
      const body = webhookBody(i, tracking)
      const r = await request(port, 'POST', '/api/carriers/easypost/webhook', { 'content-type': 'application/json', 'x-hmac-signature': signOf(body) }, body)
      if (r.status !== 200 || !r.body.includes('"duplicate"')) problems.push(`replay of webhook ${i}: ${r.status} ${r.body.slice(0, 200)}`)
    })
    const hooksApplied = await count(`SELECT count(*) AS n FROM inbound_messages WHERE kind = 'carrier_webhook' AND status = 'applied'`)
    if (hooksApplied !== size.webhooks) problems.push(`${hooksApplied} webhooks applied, expected ${size.webhooks} (each once)`)
    if (lookupErrors.length) problems.push(`${lookupErrors.length} lookups failed: ${lookupErrors.slice(0, 3).join('; ')}`)
    // Messages: exactly one to each order the 855s backordered, none to any other.
    const emailToOrder = new Map(pairs.map(([n, e]) => [e, n]))
    const messagesTo = new Map<string, number>()
    for (const [to, n] of received) messagesTo.set(emailToOrder.get(to) ?? to, n)
    const missing = [...day.toTell].filter((o) => !messagesTo.has(o))
    const twice = [...messagesTo].filter(([, n]) => n > 1)
    const unexpected = [...messagesTo.keys()].filter((o) => !day.toTell.has(o))
    if (missing.length) problems.push(`${missing.length} of ${day.toTell.size} orders to tell got no message (${missing.slice(0, 5).join(', ')})`)
    if (twice.length) problems.push(`${twice.length} orders got more than one message (${twice.slice(0, 5).map(([o, n]) => `${o}: ${n}`).join(', ')})`)
    if (unexpected.length) problems.push(`${unexpected.length} orders got a message they had no news for (${unexpected.slice(0, 5).join(', ')})`)
    // Stored views = derived, for a sample: read, removed, asked cold through the route.
    const sample = pairs.filter((_, i) => i % Math.max(1, Math.floor(pairs.length / 200)) === 0).slice(0, 200)
    const numbers = sample.map((p) => p[0])
    const stored = new Map((await db.query<{ order_number: string; view: string }>(
      'SELECT o.order_number, v.view FROM order_views v JOIN orders o USING (order_id) WHERE o.order_number = ANY($1::text[])', [numbers])).map((r) => [r.order_number, r.view]))
    await db.query('DELETE FROM order_views WHERE order_id IN (SELECT order_id FROM orders WHERE order_number = ANY($1::text[]))', [numbers])
    let same = 0
    for (const [number, email] of sample) {
      const r = await request(port, 'GET', `/api/orders/${encodeURIComponent(number)}/status?email=${encodeURIComponent(email)}`, {})
      if (r.status === 200 && r.body === stored.get(number)) same++
    }
    if (same !== sample.length) problems.push(`${sample.length - same} of ${sample.length} stored views differ from the cold derivation`)
    const sweepLog = logs.filter((l) => /sweep\.run: \{/.test(l)).map((l) => l.slice(0, 400))
    await sink.close()
    if (problems.length) throw new Error(`day (${workers} workers): ${problems.join('\n')}`)
    const sorted = [...lookupMs].sort((a, b) => a - b)
    log(`  checks passed: ${day.files.length} files applied, ${fmt(hooksApplied)} webhooks applied once (${replays.length} replays duplicate), ${day.toTell.size} orders told once each, ${same}/${sample.length} views identical`)
    return {
      workers, size, lines: loaded.counts.order_lines, files: day.files.length, feedItems: day.files.reduce((n, f) => n + f.items, 0),
      webhooks: hooksApplied, replays: replays.length, lookups: { count: sorted.length, p50: pct(sorted, 0.5), p99: pct(sorted, 0.99) },
      messages: [...received.values()].reduce((a, b) => a + b, 0), toTell: day.toTell.size, backordered: day.backordered, shipped856: day.shipped,
      viewsSame: { checked: sample.length, same }, phases, dayMs, sweepLog, load: loadAvg,
    }
  })
}

/** Every worker count in turn; `onRun` gets the runs so far after each (the doc is rewritten as each finishes). */
export async function benchDay(onRun: (runs: DayRun[]) => void = () => {}): Promise<DayRun[] | null> {
  const unreachable = await serverUnreachable()
  if (unreachable) {
    log(`day: PostgreSQL ${safeUrl(SERVER_URL)} unreachable (${unreachable})`)
    return null
  }
  const size = daySize()
  const counts = (process.env.BENCH_DAY_WORKERS || '1,2,4').split(',').map((s) => Number(s.trim()))
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('BENCH_DAY_WORKERS: whole numbers ≥ 1, comma-separated')
  const runs: DayRun[] = []
  for (const n of counts) {
    runs.push(await benchDayOnce(n, size))
    onRun(runs)
  }
  return runs
}
