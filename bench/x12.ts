/**
 * X12 feeds end to end: an 846 with BENCH_X12_ITEMS (default 1,000,000) LIN items and an 855
 * with BENCH_X12_LINES (default 100,000) PO1/ACK lines, generated to temp files, each taken in
 * through the real path (`ingestSupplierFeed`: stored raw, streamed through the X12 reader,
 * applied in batches, answered with a 997) on PGlite and PostgreSQL. Each step runs in a child
 * process (bench/x12-child.ts) so that its peak RSS is its own. Also: the bare parse rate of the
 * same files (tokenizer alone, whole reader) and what storing the raw body costs in memory.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { openDb, type Db } from '../src/store/db.ts'
import { write846, write855 } from './x12-files.ts'
import { seedX12, type X12Seed } from './seed-x12.ts'
import { databases, fmt, intEnv, log, machineLine, root, secs, SERVER_URL, today, withBenchDb, withCleanup, type DbKind } from './common.ts'

export const X12_HEADING = '## X12 feeds (issue 3)'
const ITEMS = intEnv('BENCH_X12_ITEMS', 1_000_000)
const LINES = intEnv('BENCH_X12_LINES', 100_000)
export { ITEMS as X12_ITEMS, LINES as X12_LINES }
// As src/store/inbound-file.ts stores imports: 8 MB slices appended with `body = body || $2`.
const CHUNK_MB = 8
const AIM_MB = 300
const run = promisify(execFile)

export interface ChildResult {
  mode: string
  ms: number
  readMs?: number
  storeMs?: number
  /** Time in each kind of statement (ingest): store, offers, match, signals, shipments, mark, ack, other. */
  sqlMs?: Record<string, number>
  bytes?: number
  segments?: number
  signals?: number
  offers?: number
  outcome?: string
  reason?: string
  summary?: string[]
  ack?: string[]
  /** This process's own peak RSS (VmHWM), MB. */
  peakRssMB: number
  /** RSS just before the measured step (set up: modules, database, file) and the step's own peak, MB. */
  stepStartMB: number | null
  stepPeakMB: number | null
  /** getrusage's figure: includes the parent's RSS at fork (Linux), kept to show the difference. */
  maxRssMB: number
  sampledMB: { rss: number; heapUsed: number; external: number; arrayBuffers: number }
}

/** What the step itself added to the process's RSS at its peak, MB. */
const stepMB = (r: ChildResult) => (r.stepPeakMB !== null && r.stepStartMB !== null ? r.stepPeakMB - r.stepStartMB : NaN)

async function child(mode: string, file: string, spec?: string, env: Record<string, string> = {}, label = mode): Promise<ChildResult> {
  const args = ['--import', 'tsx', path.join(root, 'bench', 'x12-child.ts'), mode, file, ...(spec ? [spec] : [])]
  const { stdout } = await run(process.execPath, args, {
    cwd: root, env: { ...process.env, BENCH_DATABASE_URL: SERVER_URL, ...env }, maxBuffer: 1 << 24,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`x12-child ${mode} ${path.basename(file)} failed: ${err.stderr?.slice(-2000) ?? err.message}`)
  })
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult
  log(`  ${label.padEnd(13)} ${path.basename(file).padEnd(16)} ${secs(r.ms).padStart(7)}  peak RSS ${fmt(r.peakRssMB)} MB ` +
    `(step +${fmt(stepMB(r))} MB from ${fmt(r.stepStartMB ?? NaN)}; getrusage maxRSS ${fmt(r.maxRssMB)})` +
    `${r.outcome ? `  ${r.outcome}` : ''}${r.reason ? `: ${r.reason}` : ''}`)
  return r
}

export interface X12Files {
  dir: string
  f846: string
  f855: string
  bytes846: number
  bytes855: number
  genMs: number
}

export interface X12DbRun {
  kind: DbKind
  label: string
  version: string
  notes: string
  seed: X12Seed
  /** The child opening the migrated, still empty database. */
  baselineEmpty: ChildResult
  baseline: ChildResult
  store: ChildResult
  storeChunked: ChildResult
  ingest846: ChildResult
  ingest855: ChildResult
  signals855: number
  offersChanged: number
  linesMarked: number
}

export interface X12Run {
  files: X12Files
  parse: { tokenize846: ChildResult; parse846: ChildResult; tokenize855: ChildResult; parse855: ChildResult }
  runs: X12DbRun[]
}

/** What the two ingests left in the database (read by the parent, after the children). */
async function verify(db: Db): Promise<{ signals855: number; offersChanged: number; linesMarked: number }> {
  const [r] = await db.query<{ signals855: number; offersChanged: number; linesMarked: number }>(`
    SELECT (SELECT count(*)::int FROM supplier_signals s JOIN inbound_messages m USING (message_id)
             WHERE m.source = 'bench' AND m.filename LIKE '855%' AND s.po_line_id IS NOT NULL) AS "signals855",
           (SELECT count(*)::int FROM offers WHERE updated_at = timestamptz '2025-06-16T15:00:00Z') AS "offersChanged",
           (SELECT count(*)::int FROM order_lines WHERE dirty) AS "linesMarked"`)
  return r
}

async function benchDb(kind: DbKind, files: X12Files): Promise<X12DbRun | null> {
  log(`\n== X12 ingest on ${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}`)
  return withBenchDb(kind, { poolSize: 4 }, async (b) => {
    log(b.version)
    // A PGlite data dir is opened by one process at a time: the parent closes it while a child runs.
    const dataDir = b.spec.slice('pglite:'.length)
    const inParent = async <T,>(fn: (db: Db) => Promise<T>): Promise<T> => {
      if (kind !== 'pglite') return fn(b.db)
      const db = await openDb({ dataDir, migrate: false })
      try {
        return await fn(db)
      } finally {
        await db.close()
      }
    }
    if (kind === 'pglite') await b.db.close()
    const baselineEmpty = await child('baseline', files.f846, b.spec, {}, 'baseline/empty')
    log(`seeding ${fmt(ITEMS)} products and offers, ${fmt(LINES)} PO lines…`)
    const seed = await inParent((db) => seedX12(db, ITEMS, LINES))
    log(`seeded in ${secs(seed.ms)}: ${Object.entries(seed.counts).map(([t, n]) => `${t} ${fmt(n)}`).join(', ')}`)
    const baseline = await child('baseline', files.f846, b.spec)
    const store = await child('store', files.f846, b.spec)
    const storeChunked = await child('store', files.f846, b.spec, { BENCH_STORE_CHUNK_MB: String(CHUNK_MB) }, `store/${CHUNK_MB}MB`)
    const ingest846 = await child('ingest', files.f846, b.spec)
    const ingest855 = await child('ingest', files.f855, b.spec)
    for (const r of [ingest846, ingest855]) if (r.outcome !== 'applied') throw new Error(`${b.label}: a file was ${r.outcome}: ${r.reason ?? ''}`)
    const v = await inParent(verify)
    log(`  in the database: ${fmt(v.signals855)} matched 855 signals, ${fmt(v.offersChanged)} offers changed, ${fmt(v.linesMarked)} lines marked for the sweep`)
    return { kind, label: b.label, version: b.version, notes: b.notes, seed, baselineEmpty, baseline, store, storeChunked, ingest846, ingest855, ...v }
  })
}

export async function benchX12(): Promise<X12Run> {
  log(`\n== X12 feeds: 846 with ${fmt(ITEMS)} items, 855 with ${fmt(LINES)} lines`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wismo-x12-'))
  return withCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }), async () => {
    const t = performance.now()
    const f846 = path.join(dir, `846-${ITEMS}.edi`)
    const f855 = path.join(dir, `855-${LINES}.edi`)
    const a = write846(f846, ITEMS)
    const c = write855(f855, LINES, ITEMS)
    const files: X12Files = { dir, f846, f855, bytes846: a.bytes, bytes855: c.bytes, genMs: performance.now() - t }
    log(`wrote ${path.basename(f846)} (${fmt(a.bytes / 2 ** 20, 1)} MB, ${fmt(a.segments)} segments) and ` +
      `${path.basename(f855)} (${fmt(c.bytes / 2 ** 20, 1)} MB, ${fmt(c.segments)} segments) in ${secs(files.genMs)}`)
    log('bare parse, no database:')
    const parse = {
      tokenize846: await child('tokenize', f846),
      parse846: await child('parse', f846),
      tokenize855: await child('tokenize', f855),
      parse855: await child('parse', f855),
    }
    const runs: X12DbRun[] = []
    for (const kind of databases()) {
      const r = await benchDb(kind, files)
      if (r) runs.push(r)
    }
    return { files, parse, runs }
  })
}

const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 1)} MB`
const rate = (n: number, ms: number) => n / (ms / 1000)

export function x12Section(r: X12Run, loadAvg: number): string {
  const { parse: p, files } = r
  const aim = (x: ChildResult) => (x.peakRssMB < AIM_MB ? `${fmt(x.peakRssMB)}` : `**${fmt(x.peakRssMB)}**`)
  const rows = r.runs.flatMap((d) => [
    `| ${d.label} | 846, ${fmt(ITEMS)} LIN items | ${secs(d.ingest846.ms)} | ${fmt(rate(ITEMS, d.ingest846.ms))} | ${fmt(rate(ITEMS, p.parse846.ms))} | ` +
      `**${(p.parse846.ms / d.ingest846.ms).toFixed(2)}×** | ${(d.ingest846.storeMs! / 1000).toFixed(1)} s | ${aim(d.ingest846)} | ${fmt(d.baseline.peakRssMB)} |`,
    `| ${d.label} | 855, ${fmt(LINES)} PO1/ACK lines | ${secs(d.ingest855.ms)} | ${fmt(rate(LINES, d.ingest855.ms))} | ${fmt(rate(LINES, p.parse855.ms))} | ` +
      `**${(p.parse855.ms / d.ingest855.ms).toFixed(2)}×** | ${(d.ingest855.storeMs! / 1000).toFixed(1)} s | ${aim(d.ingest855)} | ${fmt(d.baseline.peakRssMB)} |`,
  ])
  const memRows = r.runs.map((d) =>
    `| ${d.label} | ${fmt(d.store.stepStartMB ?? NaN)} | +${fmt(stepMB(d.store))} | ${secs(d.store.ms)} | +${fmt(stepMB(d.storeChunked))} | ${secs(d.storeChunked.ms)} | ` +
    `+${fmt(stepMB(d.ingest846))} | ${fmt(d.store.sampledMB.arrayBuffers)} / ${fmt(d.store.sampledMB.external)} |`)
  const summary = (d: X12DbRun) => ((d.ingest846.summary ?? []).find((l) => l.startsWith('846:')) ?? '').replace(/ \(BP .*$/, '')
  const breakdown = (x: ChildResult) => {
    const sql = Object.entries(x.sqlMs ?? {}).filter(([, v]) => v >= 50).sort((a, b) => b[1] - a[1])
    const inSql = Object.values(x.sqlMs ?? {}).reduce((a, b) => a + b, 0)
    return `${secs(inSql)} in SQL (${sql.map(([k, v]) => `${k} ${secs(v)}`).join(', ')}), ${secs(x.ms - inSql)} outside it`
  }
  const pgMet = r.runs.filter((d) => d.ingest846.peakRssMB < AIM_MB && d.ingest855.peakRssMB < AIM_MB).map((d) => d.label)
  return [
    X12_HEADING,
    '',
    `Measured ${today()} by \`npm run bench\` (bench/x12.ts, \`BENCH_SUITES=x12\`). Aims: big supplier files go in end to end at a rate close to ` +
      `the parser's own, and streamed in less than **${AIM_MB} MB** peak RSS.`,
    '',
    '| database | file | end to end | lines/s | bare parse lines/s | end to end / parse | of which raw store | peak RSS MB (aim < 300) | process baseline MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '**Where the time goes** (each statement timed inside the ingest; outside SQL is reading, mapping and building the parameters): ' +
      r.runs.map((d) => `${d.label} 846 ${secs(d.ingest846.ms)}: ${breakdown(d.ingest846)}; 855 ${secs(d.ingest855.ms)}: ${breakdown(d.ingest855)}`).join('. ') +
      '. Statement kinds: store = the INSERT of the raw body; offers = the 846 batch UPDATE of offers, which also marks the open lines of changed items; ' +
      'match = the 855 signals matched to PO lines; signals = their INSERT; mark = lines marked for the sweep.',
    '',
    `**Bare parse, no database** (same files, own processes): the tokenizer alone (\`readSegments\`) reads the 846 at ` +
      `${fmt(rate(ITEMS, p.tokenize846.ms))} items/s (${mb(files.bytes846 / (p.tokenize846.ms / 1000))}/s, ${secs(p.tokenize846.ms)}) and the 855 at ` +
      `${fmt(rate(LINES, p.tokenize855.ms))} lines/s (${secs(p.tokenize855.ms)}); the whole reader (\`X12Reader.batches\`: tokenizer, envelope, ` +
      `846/855 mapper, batches of 5,000) at ${fmt(rate(ITEMS, p.parse846.ms))} items/s (${secs(p.parse846.ms)}, ${fmt(p.parse846.offers ?? 0)} offer updates) and ` +
      `${fmt(rate(LINES, p.parse855.ms))} lines/s (${secs(p.parse855.ms)}, ${fmt(p.parse855.signals ?? 0)} signals): the mapping costs ` +
      `${(p.parse846.ms / p.tokenize846.ms).toFixed(1)}× (846) and ${(p.parse855.ms / p.tokenize855.ms).toFixed(1)}× (855) the tokenizing. ` +
      `Peak RSS: tokenizer ${fmt(p.tokenize846.peakRssMB)} / ${fmt(p.tokenize855.peakRssMB)} MB, reader ${fmt(p.parse846.peakRssMB)} / ${fmt(p.parse855.peakRssMB)} MB (846 / 855), ` +
      `of which the file itself ${mb(files.bytes846)} / ${mb(files.bytes855)} and the reading +${fmt(stepMB(p.parse846))} / +${fmt(stepMB(p.parse855))} MB.`,
    '',
    `**Memory verdict.** ${pgMet.length ? `Met on ${pgMet.join(', ')}` : 'Not met anywhere'}` +
      `${pgMet.length < r.runs.length ? `; not met on ${r.runs.filter((d) => !pgMet.includes(d.label)).map((d) => d.label).join(', ')}` : ''}. ` +
      'The process baseline column is the same child opening the same database and running `SELECT 1`: Node, tsx and the modules, plus, on PGlite, ' +
      'the embedded PostgreSQL (its WebAssembly memory lives in the process and never shrinks). Opening the migrated database while still empty: ' +
      `${r.runs.map((d) => `${d.label} ${fmt(d.baselineEmpty.peakRssMB)} MB`).join(', ')}.`,
    '',
    '**Storing the raw file** (item 3: `storeInbound` of the 846 alone, then the row deleted; MB of RSS the step added at its peak, over the ' +
      'process as set up with the file read):',
    '',
    `| database | RSS before the step | store (one INSERT, as shipped) | time | store in ${CHUNK_MB} MB slices (\`body = body || $2\`) | time | whole 846 ingest, for comparison | store: peak arrayBuffers / external MB |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...memRows,
    '',
    `The file is ${mb(files.bytes846)}. pg 8 sends a Buffer parameter in binary format (pg-protocol's serializer writes it as is, format code 1): ` +
      'there is no hex copy. On the client the single INSERT costs one transient copy of the body into the Bind message (the arrayBuffers peak is about ' +
      'twice the file: the file and that copy); on PGlite the embedded server\'s WebAssembly memory also grows to hold the message and the value, and ' +
      `keeps that size. Sliced (${CHUNK_MB} MB slices appended with \`body = body || $2\`, as src/store/inbound-file.ts stores imports; each append ` +
      're-reads and rewrites the whole value so far): ' +
      r.runs.map((d) => `${d.label} ${fmt(stepMB(d.store) - stepMB(d.storeChunked))} MB less at the peak, ` +
        `${(d.storeChunked.ms / d.store.ms).toFixed(1)}× the time`).join('; ') + '. ' +
      'Where the 846 ingest peaks: ' + r.runs.map((d) => `${d.label} +${fmt(stepMB(d.ingest846))} MB for the whole ingest against +${fmt(stepMB(d.store))} for the store alone`).join('; ') +
      ' (the store comes first and its copy is freed before reading starts, so the two do not add up).',
    '',
    machineLine(loadAvg, r.runs.map((d) => ({ label: d.label, version: d.version, notes: d.notes }))),
    '',
    `**Data.** Generated files (bench/x12-files.ts, ${secs(files.genMs)}): the 846 (${mb(files.bytes846)}) has one LIN per item, ` +
      '`LIN**BP*<sku>*VP*<supplier sku>` (one in ten with the supplier\'s SKU only, one in a thousand unknown), `QTY*33*<n>*EA`, and for the quarter ' +
      `out of stock \`DTM*018*<restock date>\`; the 855 (${mb(files.bytes855)}) acknowledges one PO of ${fmt(LINES)} lines in one transaction set, ` +
      '`PO1*<n>*<qty>*EA*9.99**BP*<sku>*VP*<supplier sku>` then `ACK`: 50 % IA, 20 % IB with a date, 10 % BP (one unit backordered, the rest ' +
      'accepted: two signals), 10 % DR with a new date, 10 % IR. Seeded with set-based SQL (bench/seed-x12.ts): one supplier whose edi_id is the ' +
      `ISA06 sender, ${fmt(ITEMS)} products each with its offer (a third already saying what the 846 says), ${fmt(LINES / 10)} orders of 10 lines, ` +
      `one PO line per order line. Seed time: ${r.runs.map((d) => `${d.label} ${secs(d.seed.ms)}`).join(', ')}.`,
    '',
    '**Outcome.** ' + r.runs.map((d) =>
      `${d.label}: both files applied, 997s accepted (${(d.ingest846.ack ?? []).concat(d.ingest855.ack ?? []).join(' ').replace(/~/g, '')}); ` +
      `"${summary(d)}"; ${fmt(d.signals855)} matched 855 signals recorded; ${fmt(d.offersChanged)} offers changed; ${fmt(d.linesMarked)} order lines marked for the sweep.`).join(' '),
    '',
    '**Method.** Each step is its own `node --import tsx bench/x12-child.ts <mode> <file> <db>` process; peak RSS is the kernel\'s ' +
      'high-water mark of that process (VmHWM in /proc/self/status), read once set up and at exit, reset in between. Not ' +
      '`process.resourceUsage().maxRSS`: on Linux getrusage\'s maxrss survives exec, so a child reports at least the RSS its parent had when it ' +
      `forked (here the child of this benchmark process reported ${r.runs.map((d) => `${fmt(d.baseline.maxRssMB)} MB on ${d.label}`).join(', ')} for the ` +
      'baseline step). End to end is the `ingestSupplierFeed` call on the file\'s Buffer (read from disk ' +
      'before the clock starts: the API takes a Buffer), with `supplierId` null so the sender is found by its ISA06: `storeInbound` (hash, replay check, ' +
      'INSERT of the raw body, committed), then one transaction that streams the reader\'s batches of 5,000 into `applyOfferUpdates` / ' +
      '`applySignalsBatch`, marks the message applied and stores the 997. "of which raw store" is the time in the INSERT of the body. ' +
      '"bare parse" is `X12Reader.batches(5000)` over the same Buffer with nothing done with the batches; the ratio is parse time over end-to-end time ' +
      `(1.00× would mean the database costs nothing). The 846 runs before the 855 on the same database. PostgreSQL client pool: 4.`,
    '',
  ].join('\n')
}
