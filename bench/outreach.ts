/**
 * Outreach end to end: a supplier's X12 855 backorders one line in each of N orders (10,000 by
 * default, BENCH_OUTREACH_ORDERS; one PO per order, one transaction set per PO, half the ACKs
 * dated) → ingest → sweep (with its outreach pass) → every message accepted by a local SMTP
 * server (smtp-server). The sweep and the sending run in BENCH_OUTREACH_WORKERS (default 2)
 * `wismo worker` child processes on a PostgreSQL database of their own, as the README's scale-out
 * set-up runs them (WISMO_SWEEP_INTERVAL_SECONDS=5, the clock pinned with WISMO_NOW, quiet hours
 * off). Reports the time from the file's arrival to the last message accepted, per-message latency
 * from the sweep's start (the first worker's "sweep.run: started") as p50/p99, each worker's share
 * of the lines swept and the messages sent, and the dispatch rate against a bare loop sending the
 * same messages with nodemailer to the same server (both in this process).
 */
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import nodemailer from 'nodemailer'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { openDb, type Db } from '../src/store/db.ts'
import { ingestSupplierFeed } from '../src/feeds/ingest-file.ts'
import { dispatchAllDue } from '../src/notify/dispatch.ts'
import { createMailer } from '../src/notify/mailer.ts'
import { messageFromRow, type ClaimedRow } from '../src/notify/outbox.ts'
import { SERVER_URL, log, root, secs } from './common.ts'
import type { SummaryRow } from './common.ts'

export const OUTREACH_HEADING = '## Outreach: backorder feed → sweep → SMTP'

export interface OutreachBenchResult {
  orders: number
  db: string
  /** `wismo worker` processes. */
  workers: number
  /** Each worker's share: lines swept, messages queued by its outreach passes, messages it sent. */
  shares: { examined: number; told: number; sent: number; runs: string[] }[]
  ingestMs: number
  /** From the 855 applied to the first worker's sweep starting (the sweep interval's wait). */
  waitMs: number
  sweepMs: number
  dispatchMs: number
  arrivalToLastMs: number
  p50Ms: number
  p99Ms: number
  messages: number
  /** Messages per second from the sweep's start to the last accepted (states, notices, rendering, sending). */
  pipelineRate: number
  wismoRate: number
  bareRate: number
}

async function smtpSink(onAccept: (raw: string) => void) {
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], disableReverseLookup: true, logger: false,
    onData(stream, _s, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => { onAccept(Buffer.concat(chunks).toString('utf8')); cb() })
    },
  })
  server.on('error', () => {})
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}/?ignoreTLS=true`, close: () => new Promise<void>((r) => server.close(() => r())) }
}

export async function seedForProfile(db: Db, n: number): Promise<void> {
  await db.query(`
    INSERT INTO suppliers (supplier_id, name, email, lead_time_days, edi_id) VALUES ('OBENCH', 'Outreach bench supplier', 'edi@ob.example', 3, 'OBENCHEDI');
    INSERT INTO products (sku, name, price) SELECT 'OB' || g, 'Bench item ' || g, 19.99 FROM generate_series(1, 50) g;
    INSERT INTO customers (email, name) SELECT 'c' || g || '@bench.example', 'Customer ' || g FROM generate_series(1, ${n}) g;
    INSERT INTO orders (order_number, placed_at, customer_id, postal_code, promised_ship_date)
      SELECT 'OB' || lpad(g::text, 6, '0'), timestamptz '2026-11-02T10:00:00Z', c.customer_id, '10001', date '2026-11-06'
        FROM generate_series(1, ${n}) g JOIN customers c ON c.email = 'c' || g || '@bench.example';
    INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id, state, dirty, state_changed_at)
      SELECT order_id, 1, 'OB' || (1 + order_id % 50), 1, 'OBENCH', 'processing', false, timestamptz '2026-11-02T11:00:00Z' FROM orders;
    INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty)
      SELECT l.order_line_id, 'OBENCH', o.order_number, '1', l.sku, 1 FROM order_lines l JOIN orders o USING (order_id);`)
  await db.query('ANALYZE')
}

const orderNo = (g: number) => `OB${String(g).padStart(6, '0')}`

/**
 * The supplier's 855: one transaction set per PO (each order's own PO), each line backordered
 * (ACK*IB) with a ship date for odd orders (DTM 068 in ACK05) and without one for even orders.
 */
export function backorder855(n: number): Buffer {
  const pad = (t: string, w: number) => t.padEnd(w, ' ')
  const segs = [
    ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad('OBENCHEDI', 15), 'ZZ', pad('WISMO', 15), '261103', '1400', 'U', '00401', '000000777', '0', 'P', '>'].join('*'),
    'GS*PR*OBENCHEDI*WISMO*20261103*1400*777*X*004010',
  ]
  for (let g = 1; g <= n; g++) {
    const st = String(g).padStart(4, '0')
    const body = [`BAK*00*AC*${orderNo(g)}*20261103`, `PO1*1*1*EA*19.99**BP*OB${1 + (g % 50)}`, g % 2 ? 'ACK*IB*1*EA*068*20261120' : 'ACK*IB*1*EA']
    segs.push(`ST*855*${st}`, ...body, `SE*${body.length + 2}*${st}`)
  }
  segs.push(`GE*${n}*777`, 'IEA*1*000000777')
  return Buffer.from(segs.map((x) => `${x}~\n`).join(''), 'latin1')
}

const pct = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]

const WISMO = path.join(root, 'bin', 'wismo.js')
const NOW = '2026-11-03T15:00:00Z'

interface Worker {
  child: ChildProcess
  /** Its log lines as they arrived, with this process's performance.now(). */
  lines: { at: number; text: string }[]
  exited: Promise<number>
}

/** Starts `wismo worker` as its own process; resolves once it says it is running. */
async function startWorker(env: Record<string, string>, label: string): Promise<Worker> {
  const child = spawn(process.execPath, [WISMO, 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: Worker['lines'] = []
  let ready: () => void = () => {}
  const running = new Promise<void>((r) => (ready = r))
  const read = (stream: NodeJS.ReadableStream) => {
    let buf = ''
    stream.on('data', (d: Buffer) => {
      buf += d.toString('utf8')
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const text = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        lines.push({ at: performance.now(), text })
        if (/wismo worker running/.test(text)) ready()
        if (process.env.BENCH_OUTREACH_VERBOSE) log(`[${label}] ${text.slice(0, 300)}`)
      }
    })
  }
  read(child.stdout!)
  read(child.stderr!)
  const exited = new Promise<number>((r) => child.on('exit', (code) => { ready(); r(code ?? 1) }))
  await running
  if (child.exitCode !== null) throw new Error(`outreach bench: ${label} exited ${child.exitCode}: ${lines.map((l) => l.text).join('\n').slice(-800)}`)
  return { child, lines, exited }
}

/** A database of its own on the server (the workers' pg-boss schema lives in it too); dropped by the returned function. */
async function ownDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = new URL(SERVER_URL)
  if (!base.username) base.username = process.env.PGUSER ?? 'postgres'
  const admin = new pg.Client({ connectionString: base.toString() })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name}`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(base.toString())
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base.toString() })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((err) => log(`could not drop ${name}: ${err.message}`))
      await c.end()
    },
  }
}

/** What one worker's log says it did: lines swept, orders told, messages sent beside the sweep. */
function workerShare(w: Worker, from: number): { examined: number; told: number; sent: number; runs: string[] } {
  const out = { examined: 0, told: 0, sent: 0, runs: [] as string[] }
  for (const l of w.lines) {
    const m = /^(sweep\.run|sweep\.help|outreach\.dispatch): (\{.*\})$/.exec(l.text)
    if (!m || l.at < from) continue
    const r = JSON.parse(m[2])
    if (m[1] === 'outreach.dispatch') out.sent += r.sent ?? 0
    else {
      out.examined += r.examined ?? 0
      out.told += r.outreach?.messages ?? 0
      out.sent += r.sentBeside ?? 0
      if ((r.examined ?? 0) > 0) out.runs.push(`${m[1]}${r.helper ? ` #${r.helper}` : ''} ${r.examined}`)
    }
  }
  return out
}

/** Runs the suite once. */
export async function benchOutreach(): Promise<OutreachBenchResult> {
  const n = Number(process.env.BENCH_OUTREACH_ORDERS || 10_000)
  const workers = Number(process.env.BENCH_OUTREACH_WORKERS || 2)
  const own = await ownDatabase(`bench_outreach_${process.pid}`)
  const db = await openDb({ url: own.url, poolSize: 4 })
  const accepted = new Map<string, number>()
  const recipients = new Map<string, number>()
  let delivered = 0
  let phase: 'pipeline' | 'rates' = 'pipeline'
  const sink = await smtpSink((raw) => {
    const id = /^Message-ID: (.+)$/im.exec(raw)?.[1].trim()
    const to = /^To: (.+)$/im.exec(raw)?.[1].trim()
    // Customers' messages only (c<n>@bench.example): a supplier's acknowledgement is not part of the burst.
    if (phase !== 'pipeline' || !to || !/^c\d+@bench\.example$/.test(to)) return
    delivered++
    if (id && !accepted.has(id)) accepted.set(id, performance.now())
    recipients.set(to, (recipients.get(to) ?? 0) + 1)
  })
  const started: Worker[] = []
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-outreach-'))
  try {
    await seedForProfile(db, n)
    log(`outreach bench: ${n} orders seeded on PostgreSQL (database ${new URL(own.url).pathname.slice(1)}); starting ${workers} \`wismo worker\` processes`)
    const env = {
      DATABASE_URL: own.url, SMTP_URL: sink.url, WISMO_NOW: NOW, WISMO_SWEEP_INTERVAL_SECONDS: '5', WISMO_QUIET_START_HOUR: '0', WISMO_QUIET_END_HOUR: '0',
      WISMO_DATA_DIR: dataDir, WISMO_STORE_NAME: 'Bench store', WISMO_STORE_PHONE: '1-800-555-0100', WISMO_SUPPORT_EMAIL: 'help@bench.example',
      WISMO_PUBLIC_URL: 'https://bench.example', WISMO_MAIL_FROM: 'Bench <orders@bench.example>', WISMO_SECRET: 'bench-secret-0123456789',
      WISMO_ETA_LEARNING: 'off', NODE_ENV: 'production',
    }
    for (let i = 0; i < workers; i++) started.push(await startWorker(env, `worker ${i + 1}`))
    // Their first rounds (nothing dirty yet) out of the way.
    await new Promise((r) => setTimeout(r, 3000))
    const now = new Date(NOW)
    const file = backorder855(n)
    const arrival = performance.now()
    const ingested = await ingestSupplierFeed(db, { body: file, filename: 'backorders.855.edi', supplierId: 'OBENCH', source: 'bench', receivedAt: now })
    if (ingested.outcome !== 'applied') throw new Error(`outreach bench: the 855 was not applied: ${JSON.stringify(ingested).slice(0, 400)}`)
    const applied = performance.now()
    const deadline = applied + Number(process.env.BENCH_OUTREACH_TIMEOUT_S || 600) * 1000
    while (accepted.size < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    const end = Math.max(...accepted.values())
    // No second message may follow: a moment more for a straggler, then the rows.
    await new Promise((r) => setTimeout(r, 2000))
    const sweepStart = Math.min(...started.flatMap((w) => w.lines.filter((l) => l.at >= applied && /^sweep\.run: started/.test(l.text)).map((l) => l.at)))
    if (!Number.isFinite(sweepStart)) throw new Error('outreach bench: no worker said "sweep.run: started" after the 855')
    const shares = started.map((w) => workerShare(w, applied))
    const [{ rows, orders, per }] = await db.query<{ rows: number; orders: number; per: number }>(
      `SELECT coalesce(sum(c), 0)::int AS rows, count(*)::int AS orders, coalesce(max(c), 0)::int AS per
         FROM (SELECT order_id, count(*) AS c FROM notifications WHERE channel = 'email' AND order_id IS NOT NULL GROUP BY order_id) x`)
    const [{ sentRows }] = await db.query<{ sentRows: number }>(`SELECT count(*)::int AS "sentRows" FROM notifications WHERE channel = 'email' AND order_id IS NOT NULL AND status = 'sent'`)
    const dupes = [...recipients.values()].filter((c) => c > 1).length
    if (accepted.size !== n || delivered !== n || recipients.size !== n || dupes > 0 || rows !== n || orders !== n || per !== 1 || sentRows !== n) {
      throw new Error(`outreach bench: ${n} orders with news; ${accepted.size} distinct messages and ${delivered} deliveries accepted by the server, ` +
        `${recipients.size} recipients (${dupes} with more than one), ${rows} email rows for ${orders} orders (at most ${per} an order), ${sentRows} sent`)
    }
    for (const w of started) w.child.kill('SIGTERM')
    await Promise.all(started.map((w) => w.exited))
    started.length = 0
    const lat = [...accepted.values()].map((t) => t - sweepStart).sort((a, b) => a - b)
    log(`outreach: ${n} messages, p50 ${secs(pct(lat, 0.5))}, p99 ${secs(pct(lat, 0.99))} from the sweep's start; shares ${JSON.stringify(shares)}`)
    // The rates, dispatcher alone: the same messages queued again and sent by wismo's dispatcher,
    // then by a bare loop with nodemailer, to the same server (both in this process).
    phase = 'rates'
    const mailer = createMailer({ smtpUrl: sink.url, outboxDir: '/nonexistent' })
    await db.query(`UPDATE notifications SET status = 'queued', sent_at = NULL, attempts = 0, next_attempt_at = $1 WHERE status = 'sent' AND order_id IS NOT NULL`, [now])
    const againStart = performance.now()
    const again = await dispatchAllDue(db, mailer, { now, concurrency: 4 })
    const againMs = performance.now() - againStart
    if (again.sent !== n) throw new Error(`outreach bench: the dispatcher alone sent ${again.sent} of ${n}`)
    const stored = await db.query<ClaimedRow>('SELECT * FROM notifications WHERE order_id IS NOT NULL ORDER BY notification_id')
    // The bare loop gets what wismo's mailer has: a pooled transport and the same 4 sends in flight.
    const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: 4, maxMessages: 500 })
    const bareStart = performance.now()
    let next = 0
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < stored.length) {
        const m = messageFromRow(stored[next++], 'Bench <orders@bench.example>')
        await transport.sendMail({ ...m, messageId: `${m.messageId}.bare` })
      }
    }))
    const bareMs = performance.now() - bareStart
    transport.close()
    return {
      orders: n, db: 'postgres', workers, ingestMs: applied - arrival, waitMs: sweepStart - applied, sweepMs: end - sweepStart, dispatchMs: 0,
      arrivalToLastMs: end - arrival, p50Ms: pct(lat, 0.5), p99Ms: pct(lat, 0.99), messages: accepted.size,
      pipelineRate: accepted.size / ((end - sweepStart) / 1000), wismoRate: again.sent / (againMs / 1000), bareRate: stored.length / (bareMs / 1000),
      shares,
    }
  } finally {
    for (const w of started) w.child.kill('SIGTERM')
    await Promise.all(started.map((w) => w.exited))
    await sink.close()
    await db.close()
    await own.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** The docs/benchmarks.md section. */
export function outreachSection(r: OutreachBenchResult, load: number): string {
  const n = r.messages.toLocaleString('en-US')
  const met = r.p99Ms < AIM_MS
  const share = r.shares.map((s, i) => `worker ${i + 1}: ${s.examined.toLocaleString('en-US')} lines swept (${s.runs.join(', ') || 'no sweep'}), ` +
    `${s.told.toLocaleString('en-US')} messages queued, ${s.sent.toLocaleString('en-US')} sent`).join('; ')
  return `${OUTREACH_HEADING}

Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` (bench/outreach.ts, \`BENCH_SUITES=outreach\`). A supplier's X12 855 backorders one line in each of
${r.orders.toLocaleString('en-US')} orders (one PO and one transaction set per order; half the ACK*IB lines dated, half without a date).
The bench ingests it into a PostgreSQL database of its own; **${r.workers} \`wismo worker\` processes** (child processes, as the README's
scale-out set-up runs them: \`WISMO_SWEEP_INTERVAL_SECONDS=5\`, the clock pinned with \`WISMO_NOW\`, quiet hours off) sweep it, tell the
customers and send the mail to a local SMTP server (smtp-server) in the bench process. Load average ${load.toFixed(1)} at start on this
2-core machine. The suite fails unless the server accepted exactly one message per order (each order's own recipient, once; one email
row per order in notifications, every one sent).

| measure | value |
|---|---|
| messages accepted by the SMTP server | ${n} (one per order, checked) |
| ingest of the 855 (stored, read, applied, 997) | ${secs(r.ingestMs)} |
| 855 applied → the first worker's sweep starts (the sweep interval) | ${secs(r.waitMs)} |
| sweep start → last message accepted | ${secs(r.sweepMs)} |
| file arrival → last message accepted | ${secs(r.arrivalToLastMs)} |
| per message, sweep start → accepted: p50 / p99 | ${secs(r.p50Ms)} / ${secs(r.p99Ms)} (aim p99 < 30 s with two workers: ${met ? '**met**' : '**not met**'}) |
| whole pipeline, sweep start → last accepted | ${r.pipelineRate.toFixed(0)} messages/s |
| wismo's dispatcher alone (in the bench process), the same ${n} messages queued again | ${r.wismoRate.toFixed(0)} messages/s |
| bare nodemailer loop (pooled, 4 in flight), the same messages, the same server | ${r.bareRate.toFixed(0)} messages/s |
| dispatcher / bare | **${(r.wismoRate / r.bareRate).toFixed(2)}×** (aim ≥ 0.5×: ${r.wismoRate / r.bareRate >= 0.5 ? 'met' : 'not met'}) |

**The workers' shares** (from their logs): ${share}.

**How the work is split.** The worker that takes the interval's \`sweep.run\` finds its first 500-line batch full and offers
\`sweep.help\` (src/jobs/queue.ts); a free worker takes it and joins the same pass — both claim lines with \`FOR UPDATE SKIP LOCKED\`,
two batches in flight in each process (one's statements wait on the database while the other's lines are derived). After each batch
a worker tells the orders whose lines are all swept (their own \`SKIP LOCKED\` claim on outreach_queue), and while it sweeps it sends what
has been queued (the dispatcher's claim is \`SKIP LOCKED\` too), instead of leaving it to the next 10-second \`outreach.dispatch\`.
Per-message latency is the sweep's work before a message's order is told plus the queue in front of it.
`
}

const AIM_MS = 30_000

/** The summary table's rows. */
export function outreachSummary(r: OutreachBenchResult): SummaryRow[] {
  return [
    { figure: `855 backordering ${r.orders.toLocaleString('en-US')} orders: p99 sweep start → message accepted (PostgreSQL, ${r.workers} \`wismo worker\` processes)`, aim: '< 30 s (two workers)', value: `${secs(r.p99Ms)} (p50 ${secs(r.p50Ms)}; ${r.pipelineRate.toFixed(0)} messages/s)`, met: r.p99Ms < AIM_MS },
    { figure: 'Dispatcher / bare nodemailer loop, same messages and server (PostgreSQL)', aim: '≥ 0.5×', value: `${(r.wismoRate / r.bareRate).toFixed(2)}×`, met: r.wismoRate / r.bareRate >= 0.5 },
    { figure: `855 arrival → last of ${r.messages.toLocaleString('en-US')} messages accepted (PostgreSQL, ${r.workers} workers)`, aim: 'none set (exactly one message per order, checked)', value: secs(r.arrivalToLastMs), met: null },
  ]
}
