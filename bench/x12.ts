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
/** The end-to-end aim: at least this fraction of the bare baseline's rate (issue 20). */
export const BARE_AIM = 0.5
/** PGlite's shared_buffers tried beside the default 128 MB. */
const SMALL_POOL_MB = 32
const run = promisify(execFile)

export interface ChildResult {
  mode: string
  ms: number
  readMs?: number
  storeMs?: number
  /** Time in each kind of statement (ingest): store, offers, match, signals, shipments, mark, ack, other. */
  sqlMs?: Record<string, number>
  /** bare: rows staged, offers updated, signals inserted, lines marked. */
  rows?: number
  changed?: number
  marked?: number
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
    `${r.outcome ? `  ${r.outcome}` : ''}${r.reason ? `: ${r.reason}` : ''}` +
    `${r.sqlMs ? `  [${Object.entries(r.sqlMs).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}]` : ''}`)
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
  /** The ratio's denominator: parse + stage + one set-based statement per effect, rolled back. */
  bare846: ChildResult
  bare855: ChildResult
  /** PGlite only: the process opening the seeded database with a smaller buffer pool, MB → result. */
  smallPool: { mb: number; baseline: ChildResult; ingest846: ChildResult | null }[]
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
    const bare846 = await child('bare', files.f846, b.spec)
    const bare855 = await child('bare', files.f855, b.spec)
    // PGlite: what a smaller buffer pool saves (the server touches all of it when it starts); the
    // 846 is taken in again on a copy of the seeded data dir, so the main run is as shipped.
    const smallPool: X12DbRun['smallPool'] = []
    const copy = kind === 'pglite' ? `${dataDir}-pool${SMALL_POOL_MB}` : null
    if (copy) {
      for (const mb of [SMALL_POOL_MB, 16]) {
        smallPool.push({ mb, baseline: await child('baseline', files.f846, b.spec, { BENCH_PGLITE_SHARED_BUFFERS_MB: String(mb) }, `baseline/${mb}MB`), ingest846: null })
      }
      fs.cpSync(dataDir, copy, { recursive: true })
    }
    const ingest846 = await child('ingest', files.f846, b.spec)
    const ingest855 = await child('ingest', files.f855, b.spec)
    if (copy) {
      await withCleanup(async () => fs.rmSync(copy, { recursive: true, force: true }), async () => {
        smallPool[0].ingest846 = await child('ingest', files.f846, `pglite:${copy}`, { BENCH_PGLITE_SHARED_BUFFERS_MB: String(SMALL_POOL_MB) }, `ingest/${SMALL_POOL_MB}MB`)
      })
    }
    for (const r of [ingest846, ingest855, ...smallPool.flatMap((p) => (p.ingest846 ? [p.ingest846] : []))]) if (r.outcome !== 'applied') throw new Error(`${b.label}: a file was ${r.outcome}: ${r.reason ?? ''}`)
    const v = await inParent(verify)
    log(`  in the database: ${fmt(v.signals855)} matched 855 signals, ${fmt(v.offersChanged)} offers changed, ${fmt(v.linesMarked)} lines marked for the sweep`)
    return { kind, label: b.label, version: b.version, notes: b.notes, seed, baselineEmpty, baseline, store, storeChunked, bare846, bare855, smallPool, ingest846, ingest855, ...v }
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
  const ratio = (bare: ChildResult, e2e: ChildResult) => bare.ms / e2e.ms
  const met = (x: number) => (x >= BARE_AIM ? 'met' : 'not met')
  const fileRow = (d: X12DbRun, file: string, n: number, bare: ChildResult, e2e: ChildResult, parse: ChildResult) =>
    `| ${d.label} | ${file} | ${secs(e2e.ms)} | ${fmt(rate(n, e2e.ms))} | ${secs(bare.ms)} | **${ratio(bare, e2e).toFixed(2)}×** (${met(ratio(bare, e2e))}) | ` +
    `${(parse.ms / e2e.ms).toFixed(2)}× | ${(e2e.storeMs! / 1000).toFixed(1)} s | ${aim(e2e)} | ${fmt(d.baseline.peakRssMB)} |`
  const rows = r.runs.flatMap((d) => [
    fileRow(d, `846, ${fmt(ITEMS)} LIN items`, ITEMS, d.bare846, d.ingest846, p.parse846),
    fileRow(d, `855, ${fmt(LINES)} PO1/ACK lines`, LINES, d.bare855, d.ingest855, p.parse855),
  ])
  const bareLine = (x: ChildResult) => `${secs(x.ms)} (${Object.entries(x.sqlMs ?? {}).filter(([, v]) => v >= 50).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}; the rest parsing)`
  const pools = r.runs.flatMap((d) => d.smallPool.length === 0 ? [] : [
    `${d.label}: opening the seeded database and running \`SELECT 1\` peaks at ${fmt(d.baseline.peakRssMB)} MB with the default shared_buffers (128 MB), ` +
      d.smallPool.map((x) => `${fmt(x.baseline.peakRssMB)} MB with ${x.mb} MB`).join(', ') +
      d.smallPool.filter((x) => x.ingest846).map((x) => `; the 846 taken in with ${x.mb} MB (on a copy of the seeded data dir) peaks at ` +
        `**${fmt(x.ingest846!.peakRssMB)} MB** (+${fmt(stepMB(x.ingest846!))} over its set-up ${fmt(x.ingest846!.stepStartMB ?? NaN)}) in ${secs(x.ingest846!.ms)}, ` +
        `against ${fmt(d.ingest846.peakRssMB)} MB in ${secs(d.ingest846.ms)} as shipped`).join('') + '.'])
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
    `Measured ${today()} by \`npm run bench\` (bench/x12.ts, \`BENCH_SUITES=x12\`). Aims (issue 20): an 846 and an 855 go in end to end at ` +
      `**≥ ${BARE_AIM}×** the rate of a bare baseline measured in the same run (parse + staging table + one set-based statement per effect), ` +
      `in less than **${AIM_MB} MB** peak RSS.`,
    '',
    '| database | file | end to end | lines/s | bare baseline | end to end / bare (aim ≥ 0.5×) | end to end / parse alone | of which raw store | peak RSS MB (aim < 300) | process baseline MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '**The bare baseline** (the ratio\'s denominator; `bare` in bench/x12-child.ts, its own process, right after seeding): `X12Reader.batches(5000)` over the ' +
      'same Buffer; each batch\'s rows loaded into a temp staging table (PGlite: `COPY … FROM \'/dev/blob\'` of a CSV per batch; PostgreSQL: ' +
      '`INSERT … SELECT FROM unnest(…)` of the batch\'s arrays, as pg has no COPY FROM STDIN without pg-copy-streams, which is not a dependency); then for the 846 one ' +
      '`UPDATE offers … FROM staging` by the buyer\'s SKU (every matched row written, no change test, no unknown items counted, no lines marked), for the 855 ' +
      'one `INSERT INTO supplier_signals … SELECT` of the staged lines matched by PO number and line and one `UPDATE order_lines SET dirty = true … FROM`; ' +
      'one transaction, rolled back, so the real ingests find the database as seeded. No raw body stored, no 997, no replay check, no quarantine, ' +
      'no supplier\'s-SKU or zero-padded matching, no shipments or tasks. ' +
      r.runs.map((d) => `${d.label}: 846 ${bareLine(d.bare846)}, ${fmt(d.bare846.changed ?? 0)} offers written; 855 ${bareLine(d.bare855)}, ` +
        `${fmt(d.bare855.signals ?? 0)} signals, ${fmt(d.bare855.marked ?? 0)} lines marked`).join('. ') + '.',
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
    `**PGlite's floor.** The same process without a database (the bare-parse children, set up with modules and file): ${fmt(p.tokenize846.stepStartMB ?? NaN)} MB. ` +
      pools.join(' ') + ' The buffer pool is resident from the start (the embedded server touches it all as it starts) and WebAssembly memory never shrinks, ' +
      'so every MB of shared_buffers is a MB of the peak; the data files are ordinary files the OS caches as well.',
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
      '"end to end / bare" is the bare baseline\'s time over the end-to-end time (1.00×: the real ingest costs what the bare one does). ' +
      '"parse alone" is `X12Reader.batches(5000)` over the same Buffer with nothing done with the batches (parse time over end-to-end time). ' +
      `The 846 runs before the 855 on the same database. PostgreSQL client pool: 4.`,
    '',
  ].join('\n')
}
