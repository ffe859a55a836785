/**
 * What every benchmark suite shares: env knobs, opening a throw-away database (a PGlite data dir
 * or a schema of its own on the server, both removed afterwards, also on Ctrl-C), the machine
 * description every section of docs/benchmarks.md starts with, and rewriting one section.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openDb, type Db } from '../src/store/db.ts'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Quick mode (`BENCH_QUICK=1 npm run bench`): every suite at a small size, to check the benchmark
 * code itself (its own checks still fail the run) in under ten minutes; the figures mean little
 * and are not asserted. The sizes are set into process.env here, before any suite reads its knobs
 * (a knob set by hand wins), and the sections go to a scratch file, never docs/benchmarks.md.
 */
export const QUICK = /^(1|true|yes|on)$/i.test(process.env.BENCH_QUICK ?? '')
export const QUICK_KNOBS: Record<string, string> = {
  BENCH_ORDERS: '1000', BENCH_DURATION: '1', BENCH_ROUNDS: '1', BENCH_STATUS_EVENING: '0',
  BENCH_X12_ITEMS: '2000', BENCH_X12_LINES: '1000',
  BENCH_SWEEP_LINES: '3000', BENCH_SWEEP_CHANGED: '100',
  BENCH_FUZZ_CASES: '2000', BENCH_FUZZ_DB_CASES: '50',
  BENCH_WEBHOOK_DURATION: '2', BENCH_WEBHOOK_ROUNDS: '1', BENCH_WEBHOOK_BODIES: '20000', BENCH_WEBHOOK_SHIPMENTS: '500',
  BENCH_OUTREACH_ORDERS: '200',
  ALT_LINES: '2000', ALT_OFFERS: '20000', ALT_LOOKUPS: '30',
  BENCH_PAGES_RUNS: '2',
  BENCH_SEARCH_ORDERS: '2000', BENCH_SEARCH_RUNS: '20',
  BENCH_REPLAY_ORDERS: '30',
  BENCH_ETA_DAYS: '60', BENCH_ETA_TARGETS: '0.9', BENCH_ETA_ORDERS_PER_DAY: '3',
  BENCH_PLATFORM_ORDERS: '200', BENCH_PLATFORM_DURATION: '2', BENCH_PLATFORM_ROUNDS: '1', BENCH_PLATFORM_BODIES: '20000',
  BENCH_DAY_ORDERS: '100', BENCH_DAY_LINES_PER_ORDER: '5', BENCH_DAY_WEBHOOKS: '500', BENCH_DAY_WORKERS: '1',
}
if (QUICK) for (const [k, v] of Object.entries(QUICK_KNOBS)) if (process.env[k] === undefined || process.env[k] === '') process.env[k] = v
export const SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://127.0.0.1:5432/test'
export const safeUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//')

export type DbKind = 'pglite' | 'postgres'
export const LABEL: Record<DbKind, string> = { pglite: 'PGlite', postgres: 'PostgreSQL' }

export const log = (...args: unknown[]) => console.log(...args)
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

export function intEnv(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1, got ${JSON.stringify(raw)}`)
  return n
}

/** Which databases to run on (BENCH_DB=pglite | postgres | both). */
export function databases(): DbKind[] {
  const which = (process.env.BENCH_DB ?? 'both').toLowerCase()
  if (!['pglite', 'postgres', 'both'].includes(which)) throw new Error(`BENCH_DB must be pglite, postgres or both, got ${which}`)
  return (['pglite', 'postgres'] as const).filter((k) => which === 'both' || which === k)
}

// Whatever happens (Ctrl-C, a closed pipe), temp data dirs and server schemas go away.
const cleanups = new Set<() => Promise<void>>()
let signalsHooked = false
function hookSignals(): void {
  if (signalsHooked) return
  signalsHooked = true
  process.stdout.on('error', () => {}) // `npm run bench | head`: keep going, clean up
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cleaning up…`)
      void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130))
    })
  }
}

/** Runs `fn` with a cleanup registered for Ctrl-C, then runs the cleanup. */
export async function withCleanup<T>(cleanup: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  hookSignals()
  let done = false
  const once = async () => {
    if (done) return
    done = true
    await cleanup()
  }
  cleanups.add(once)
  try {
    return await fn()
  } finally {
    cleanups.delete(once)
    await once()
  }
}

export async function serverUnreachable(url = SERVER_URL): Promise<string | null> {
  const parsed = new URL(url)
  if (!parsed.username) parsed.username = process.env.PGUSER ?? 'postgres'
  const client = new pg.Client({ connectionString: parsed.toString(), connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
    return null
  } catch (err) {
    await client.end().catch(() => {})
    return (err as Error).message
  }
}

export interface BenchDb {
  kind: DbKind
  label: string
  db: Db
  /** `pglite:<dir>` or `postgres:<schema>`: how a child process opens the same database. */
  spec: string
  version: string
  /** Server settings that change what a benchmark sees (autovacuum), for the machine line. */
  notes: string
}

/**
 * A migrated, empty database of that kind for the length of `fn`; dropped afterwards.
 * Null (after saying why) when the server is unreachable.
 */
export async function withBenchDb<T>(kind: DbKind, opts: { poolSize?: number }, fn: (b: BenchDb) => Promise<T>): Promise<T | null> {
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-bench-'))
    const t = performance.now()
    const db = await openDb({ dataDir: dir })
    log(`PGlite data dir ${dir}, created and migrated in ${secs(performance.now() - t)}`)
    let closed = false
    // PGlite runs PostgreSQL single-user: no autovacuum worker ever analyzes or vacuums a table.
    const b: BenchDb = { kind, label: LABEL[kind], db, spec: `pglite:${dir}`, version: await version(db), notes: 'no autovacuum' }
    return withCleanup(async () => {
      if (!closed) await db.close().catch(() => {})
      closed = true
      fs.rmSync(dir, { recursive: true, force: true })
    }, () => fn(b))
  }
  const unreachable = await serverUnreachable()
  if (unreachable) {
    log(`PostgreSQL: skipped, ${safeUrl(SERVER_URL)} is unreachable (${unreachable})`)
    return null
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`
  log(`PostgreSQL ${safeUrl(SERVER_URL)}, schema ${schema}`)
  const db = await openDb({ url: SERVER_URL, schema, poolSize: opts.poolSize ?? 10 })
  const [{ autovacuum }] = await db.query<{ autovacuum: string }>('SHOW autovacuum')
  const b: BenchDb = { kind, label: LABEL[kind], db, spec: `postgres:${schema}`, version: await version(db), notes: `autovacuum ${autovacuum}` }
  return withCleanup(async () => {
    await db.query(`DROP SCHEMA "${schema}" CASCADE`).catch((err) => log(`could not drop schema ${schema}: ${err.message}`))
    await db.close().catch(() => {})
  }, () => fn(b))
}

async function version(db: Db): Promise<string> {
  return (await db.query<{ version: string }>('SELECT version()'))[0].version
}

/** Short form of `SELECT version()`: "PostgreSQL 15.20 (Debian …)" → "PostgreSQL 15.20". */
export function shortVersion(v: string): string {
  const m = /^PostgreSQL (\S+)/.exec(v)
  return m ? `PostgreSQL ${m[1]}${/wasm|emscripten/i.test(v) ? ' (PGlite, wasm32)' : ''}` : v
}

/** CPU, cores, memory, Node, kernel, load: one line for the top of a section. */
export function machineLine(loadAvg: number, versions: { label: string; version: string; notes?: string }[]): string {
  const cpus = os.cpus()
  const gb = (os.totalmem() / 2 ** 30).toFixed(1)
  const busy = loadAvg > cpus.length / 2
  const dbs = versions.length ? `; ${versions.map((v) => `${v.label}: ${shortVersion(v.version)}${v.notes ? ` (${v.notes})` : ''}`).join(', ')}` : ''
  return `**Machine.** ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${gb} GiB memory, Node ${process.version}, ` +
    `${os.type()} ${os.release()}${dbs}. Load average ${loadAvg.toFixed(2)} at start` +
    (busy ? ' (other work was running on the machine: absolute figures are low and noisy; the ratios, measured in the same run, are the figures to read).' : '.')
}

export const today = () => new Date().toISOString().slice(0, 10)

/** Quick mode writes to a scratch copy (BENCH_QUICK_DOC, default in the temp folder): docs/benchmarks.md keeps its figures. */
const docsFile = QUICK ? path.resolve(process.env.BENCH_QUICK_DOC || path.join(os.tmpdir(), 'wismo-bench-quick.md')) : path.join(root, 'docs', 'benchmarks.md')
export const docsPath = () => docsFile

/** Replaces the section starting with `heading` (up to the next "## ") in docs/benchmarks.md, or appends it. */
export function writeSection(heading: string, text: string, first = false): void {
  fs.mkdirSync(path.dirname(docsFile), { recursive: true })
  let doc = fs.existsSync(docsFile)
    ? fs.readFileSync(docsFile, 'utf8')
    : '# Benchmarks\n\nFigures measured on real runs, with the machine and method of each. Re-run with `npm run bench`.\n'
  const start = doc.indexOf(`${heading}\n`)
  if (start >= 0) {
    const next = doc.slice(start + heading.length).search(/\n## /)
    const end = next >= 0 ? start + heading.length + next + 1 : doc.length
    doc = doc.slice(0, start) + text + (end < doc.length ? '\n' + doc.slice(end) : '')
  } else if (first) {
    // A new first section goes after the title and the introduction, before the first "## ".
    const at = doc.search(/\n## /)
    doc = at >= 0 ? `${doc.slice(0, at + 1)}${text}\n${doc.slice(at + 1)}` : doc.replace(/\n*$/, '\n\n') + text
  } else {
    doc = doc.replace(/\n*$/, '\n\n') + text
  }
  fs.writeFileSync(docsFile, doc.replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n'))
  log(`wrote "${heading}" in ${path.relative(process.cwd(), docsFile)}`)
}

export const SUMMARY_HEADING = '## Summary'
const SUMMARY_HEAD = ['| suite | figure | aim | this run | met | measured |', '|---|---|---|---|---|---|']

/** One line of the summary table at the top of docs/benchmarks.md. */
export interface SummaryRow { figure: string; aim: string; value: string; met: boolean | null }

/**
 * Replaces `suite`'s rows in the summary table (the other suites' rows stay as their last run
 * left them, each dated), in the order of `order`.
 */
export function writeSummary(suite: string, rows: SummaryRow[], order: string[]): void {
  const doc = fs.existsSync(docsFile) ? fs.readFileSync(docsFile, 'utf8') : ''
  const start = doc.indexOf(`${SUMMARY_HEADING}\n`)
  const cell = (line: string) => line.split('|')[1]?.trim() ?? ''
  // The table's own rows only: up to the next section, and only those of a known suite.
  const rest = start < 0 ? '' : doc.slice(start + SUMMARY_HEADING.length)
  const end = rest.search(/\n## /)
  const old = (end < 0 ? rest : rest.slice(0, end)).split('\n').filter((l) => l.startsWith('| ') && order.includes(cell(l)))
  const mine = rows.map((r) => `| ${suite} | ${r.figure} | ${r.aim} | ${r.value} | ${r.met === null ? '—' : r.met ? '**met**' : '**not met**'} | ${today()} |`)
  const kept = old.filter((l) => cell(l) !== suite)
  const rank = (l: string) => { const i = order.indexOf(cell(l)); return i < 0 ? order.length : i }
  const lines = [...kept, ...mine].map((l, i) => ({ l, i })).sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i).map((x) => x.l)
  const text = [SUMMARY_HEADING, '', ...SUMMARY_HEAD, ...lines, '',
    'Each row comes from the suite\'s last run (`measured`); the detail, machine and method of each are in its section below.', ''].join('\n')
  writeSection(SUMMARY_HEADING, text, true)
}
