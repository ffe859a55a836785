/**
 * One measured step of bench/x12.ts in a process of its own, so its peak RSS is its own:
 *
 *   node --import tsx bench/x12-child.ts <mode> <file> [<db>]
 *
 *   mode  baseline  open the database, nothing else (what the process costs before any work)
 *         tokenize  read the file and iterate the tokenizer (readSegments) over it: no mapping, no DB
 *         parse     read the file and iterate the whole reader (X12Reader.batches: envelope + mapper) over it, no DB
 *         store     open the database and store the file raw with storeInbound only (then delete the row);
 *                   with BENCH_STORE_CHUNK_MB=4 instead the alternative that was considered for it: the row inserted
 *                   with the first slice, then `SET body = body || $2` per slice, in one transaction
 *         ingest    open the database and take the file in through ingestSupplierFeed, the real path
 *         bare      the ratio's denominator: open the database, read the file with X12Reader.batches, load the
 *                   parsed rows into a temp staging table batch by batch (PGlite: COPY FROM '/dev/blob' of a CSV
 *                   per batch; PostgreSQL: INSERT … SELECT FROM unnest of the batch's arrays, pg has no COPY FROM
 *                   STDIN without pg-copy-streams), then one set-based statement per effect: 846 one
 *                   UPDATE offers … FROM staging (by the buyer's SKU); 855 one INSERT INTO supplier_signals … SELECT
 *                   (matched by PO number and line) and one UPDATE order_lines SET dirty … FROM; all in one
 *                   transaction that is rolled back, so the real ingest after it finds the database as seeded
 *   db    pglite:<data dir> | postgres:<schema>  (the server is BENCH_DATABASE_URL)
 *
 * Prints one JSON line: timings, counts and memory. Peak RSS is the kernel's high-water mark of this
 * process's own memory (VmHWM in /proc/self/status). Not `process.resourceUsage().maxRSS`: on Linux
 * that also counts the parent's RSS at the moment it forked this process (ru_maxrss survives
 * exec), so a child of a big benchmark process reports the parent's size; it is printed beside,
 * as maxRssMB, to show it. The high-water mark is read once set up (modules loaded, database open,
 * file read), then reset (/proc/self/clear_refs) so the step's own peak is known too.
 */
import fs from 'node:fs'
import { openDb, type Db, type Queryable } from '../src/store/db.ts'
import { readSegments } from '../src/feeds/x12/segments.ts'
import { X12Reader } from '../src/feeds/x12/reader.ts'
import { ingestSupplierFeed } from '../src/feeds/ingest-file.ts'
import { storeInbound } from '../src/store/inbound.ts'

const [mode, file, dbSpec] = process.argv.slice(2)
const SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://127.0.0.1:5432/test'
const RECEIVED_AT = new Date('2025-06-16T15:00:00Z')

/** VmRSS and VmHWM of this process, in MB (null where there is no /proc). */
function procStatus(): { rss: number; hwm: number } | null {
  try {
    const text = fs.readFileSync('/proc/self/status', 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN)
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
  } catch {
    return null
  }
}

/** Resets VmHWM to the current RSS (Linux: "5" to clear_refs); false when it cannot. */
function resetPeak(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5')
    return true
  } catch {
    return false
  }
}

/** Memory when set up, just before the measured step; the step's own peak is read at the end. */
let setup: { rss: number; hwm: number; reset: boolean } | null = null
function markSetup(): void {
  const s = procStatus()
  setup = s ? { ...s, reset: resetPeak() } : null
}

const peaks = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }
function sample(): void {
  const m = process.memoryUsage()
  peaks.rss = Math.max(peaks.rss, m.rss)
  peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed)
  peaks.external = Math.max(peaks.external, m.external)
  peaks.arrayBuffers = Math.max(peaks.arrayBuffers, m.arrayBuffers)
}
const sampler = setInterval(sample, 20)

async function open(): Promise<Db> {
  if (!dbSpec) throw new Error(`${mode} needs a database`)
  const [kind, where] = [dbSpec.slice(0, dbSpec.indexOf(':')), dbSpec.slice(dbSpec.indexOf(':') + 1)]
  // BENCH_PGLITE_SHARED_BUFFERS_MB: the embedded server's buffer pool (resident from the start).
  const sharedBuffersMB = Number(process.env.BENCH_PGLITE_SHARED_BUFFERS_MB || 0) || undefined
  if (kind === 'pglite') return openDb({ dataDir: where, migrate: false, sharedBuffersMB })
  if (kind === 'postgres') return openDb({ url: SERVER_URL, schema: where, poolSize: 2, migrate: false })
  throw new Error(`unknown database ${dbSpec}`)
}

/** What each statement of an ingest is, for the time breakdown. */
const KINDS: [string, RegExp][] = [
  ['store', /INSERT INTO inbound_messages|SET body = body \|\|/],
  ['offers', /UPDATE offers f/],
  ['match', /JOIN po_lines p ON p\.po_number/],
  ['signals', /INSERT INTO supplier_signals/],
  ['shipments', /INSERT INTO shipments/],
  ['mark', /UPDATE order_lines SET dirty = true/],
  ['ack', /acknowledgments/],
]
const kindOf = (text: string) => KINDS.find(([, re]) => re.test(text))?.[0] ?? 'other'

/** Adds each statement's time (also inside transactions) to `sqlMs` by kind. */
function timed(db: Db, sqlMs: Record<string, number>): Db {
  const wrap = (q: Queryable): Queryable['query'] => async (text, values) => {
    const t = performance.now()
    try {
      return await q.query(text, values)
    } finally {
      const k = kindOf(text)
      sqlMs[k] = (sqlMs[k] ?? 0) + performance.now() - t
    }
  }
  return {
    ...db,
    query: wrap(db),
    transaction: (fn, opts) => db.transaction((tx) => fn({ query: wrap(tx) }), opts),
    // ingestMessage claims and applies the message on one session of its own.
    session: (fn) => db.session((s) => fn({ ...s, query: wrap(s), transaction: (f, opts) => s.transaction((tx) => f({ query: wrap(tx) }), opts) })),
  } as Db
}

/** The alternative considered for storeInbound: never more than one slice of the body in a message. */
async function storeInSlices(db: Db, body: Buffer, chunk: number): Promise<number> {
  return db.transaction(async (tx) => {
    const [{ message_id: id }] = await tx.query<{ message_id: number }>(
      `INSERT INTO inbound_messages (kind, source, filename, sha256, body, received_at) VALUES ('x12', 'bench-store', 'store-sliced.edi', 'x', $1, $2)
       RETURNING message_id`,
      [body.subarray(0, chunk), RECEIVED_AT],
    )
    for (let off = chunk; off < body.length; off += chunk) {
      await tx.query('UPDATE inbound_messages SET body = body || $2 WHERE message_id = $1', [id, body.subarray(off, off + chunk)])
    }
    return id
  })
}

const csvField = (v: unknown): string => {
  if (v === null || v === undefined) return ''
  const t = String(v)
  return /[",\r\n]/.test(t) || t === '' ? `"${t.replace(/"/g, '""')}"` : t
}
const csv = (rows: unknown[][]): Blob => new Blob([rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n'])

/**
 * The bare baseline: parse, stage, one set-based statement per effect (see the header). The
 * staging and the statements are timed apart; everything is rolled back.
 */
async function bare(db: Db, body: Buffer): Promise<Record<string, unknown>> {
  const pglite = (db as Db & { pglite?: { query: (q: string, p: unknown[], o: { blob: Blob }) => Promise<unknown> } }).pglite
  const sqlMs: Record<string, number> = {}
  const time = async <T,>(k: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now()
    try {
      return await f()
    } finally {
      sqlMs[k] = (sqlMs[k] ?? 0) + performance.now() - t
    }
  }
  let rows = 0
  let changed = 0
  let marked = 0
  let signals = 0
  const t = performance.now()
  await db.transaction(async (tx) => {
    await tx.query(`CREATE TEMP TABLE bare_846 (sku text, supplier_sku text, qty int, restock date) ON COMMIT DROP`)
    await tx.query(`CREATE TEMP TABLE bare_855 (po_number text, po_line text, sku text, status text, qty int, expected_ship_date date, raw_code text) ON COMMIT DROP`)
    const stage = async (table: string, cols: unknown[][], types: string[]) => {
      if (cols[0].length === 0) return
      rows += cols[0].length
      if (pglite) {
        const n = cols[0].length
        const lines: unknown[][] = []
        for (let i = 0; i < n; i++) lines.push(cols.map((c) => c[i]))
        await time('stage', () => pglite.query(`COPY ${table} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: csv(lines) }))
      } else {
        await time('stage', () => tx.query(`INSERT INTO ${table} SELECT * FROM unnest(${types.map((ty, i) => `$${i + 1}::${ty}[]`).join(', ')})`, cols))
      }
    }
    for (const b of new X12Reader(body).batches(5000)) {
      const o = b.offers
      await stage('bare_846', [o.map((u) => u.sku), o.map((u) => u.supplierSku), o.map((u) => u.availableQty), o.map((u) => u.restockDate)], ['text', 'text', 'int', 'date'])
      const s = b.signals
      await stage('bare_855', [s.map((x) => x.poNumber), s.map((x) => x.poLine), s.map((x) => x.sku), s.map((x) => x.status), s.map((x) => x.qty),
        s.map((x) => x.expectedShipDate), s.map((x) => x.rawCode)], ['text', 'text', 'text', 'text', 'int', 'date', 'text'])
    }
    const [{ supplier_id: supplierId }] = await tx.query<{ supplier_id: string }>('SELECT supplier_id FROM suppliers ORDER BY supplier_id LIMIT 1')
    changed = (await time('offers', () => tx.query(
      `UPDATE offers f SET available_qty = coalesce(s.qty, f.available_qty), restock_date = s.restock, updated_at = $2
         FROM bare_846 s WHERE f.supplier_id = $1 AND f.sku = s.sku RETURNING 1`, [supplierId, RECEIVED_AT]))).length
    const [{ message_id: messageId }] = await tx.query<{ message_id: number }>(
      `INSERT INTO inbound_messages (kind, source, filename, sha256, body, received_at) VALUES ('x12', 'bench-bare', 'bare.edi', 'bare', '', $1) RETURNING message_id`,
      [RECEIVED_AT])
    signals = (await time('signals', () => tx.query(
      `INSERT INTO supplier_signals (message_id, supplier_id, po_line_id, po_number, po_line, sku, status, qty, expected_ship_date, received_at, source, raw_code)
       SELECT $1, p.supplier_id, p.po_line_id, s.po_number, s.po_line, s.sku, s.status, s.qty, s.expected_ship_date, $2, 'x12', s.raw_code
         FROM bare_855 s JOIN po_lines p ON p.po_number = s.po_number AND p.po_line = s.po_line RETURNING 1`, [messageId, RECEIVED_AT]))).length
    marked = (await time('mark', () => tx.query(
      `UPDATE order_lines l SET dirty = true FROM (SELECT DISTINCT p.order_line_id FROM bare_855 s JOIN po_lines p ON p.po_number = s.po_number AND p.po_line = s.po_line) m
        WHERE l.order_line_id = m.order_line_id RETURNING 1`))).length
    throw new Rollback()
  }).catch((err: unknown) => {
    if (!(err instanceof Rollback)) throw err
  })
  return { ms: performance.now() - t, sqlMs, rows, changed, signals, marked }
}
class Rollback extends Error {}

async function main(): Promise<Record<string, unknown>> {
  const t0 = performance.now()
  if (mode === 'baseline') {
    const db = await open()
    markSetup()
    await db.query('SELECT 1')
    await db.close()
    return { ms: performance.now() - t0 }
  }
  const body = fs.readFileSync(file)
  const readMs = performance.now() - t0
  if (mode === 'tokenize') {
    markSetup()
    let segments = 0
    const t = performance.now()
    for (const seg of readSegments(body)) if (seg.tag) segments++
    return { bytes: body.length, readMs, ms: performance.now() - t, segments }
  }
  if (mode === 'parse') {
    markSetup()
    const reader = new X12Reader(body)
    let signals = 0
    let offers = 0
    const t = performance.now()
    for (const b of reader.batches(5000)) {
      signals += b.signals.length
      offers += b.offers.length
    }
    return { bytes: body.length, readMs, ms: performance.now() - t, signals, offers }
  }
  const db = await open()
  await db.query('SELECT 1')
  markSetup()
  try {
    if (mode === 'store') {
      const chunk = Number(process.env.BENCH_STORE_CHUNK_MB || 0) * 2 ** 20
      const t = performance.now()
      const messageId = chunk > 0
        ? await storeInSlices(db, body, chunk)
        : (await storeInbound(db, { kind: 'x12', source: 'bench-store', filename: 'store-only.edi', body, receivedAt: RECEIVED_AT })).messageId
      const ms = performance.now() - t
      const [{ n }] = await db.query<{ n: number }>('SELECT octet_length(body)::bigint AS n FROM inbound_messages WHERE message_id = $1', [messageId])
      await db.query('DELETE FROM inbound_messages WHERE message_id = $1', [messageId])
      if (n !== body.length) throw new Error(`stored ${n} bytes of ${body.length}`)
      return { bytes: body.length, readMs, ms, storedBytes: n, chunkMB: chunk / 2 ** 20 || undefined }
    }
    if (mode === 'bare') return { bytes: body.length, readMs, ...(await bare(db, body)) }
    if (mode === 'ingest') {
      const sqlMs: Record<string, number> = {}
      const t = performance.now()
      const outcome = await ingestSupplierFeed(timed(db, sqlMs), {
        body, filename: file.split('/').pop() ?? null, supplierId: null, source: 'bench', receivedAt: RECEIVED_AT,
      })
      const ms = performance.now() - t
      const summary = outcome.outcome === 'applied' ? outcome.summary.filter((l) => !l.startsWith('PO ')) : []
      return {
        bytes: body.length, readMs, ms, storeMs: sqlMs.store ?? 0, sqlMs, outcome: outcome.outcome,
        reason: outcome.outcome === 'quarantined' ? outcome.reason.slice(0, 500) : undefined,
        summary, ackBytes: outcome.acknowledgment?.length ?? 0, ack: outcome.acknowledgment?.split('\n').filter((l) => /^AK[59]/.test(l)),
      }
    }
    throw new Error(`unknown mode ${mode}`)
  } finally {
    await db.close()
  }
}

main().then(
  (result) => {
    clearInterval(sampler)
    sample()
    const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10
    const r1 = (n: number) => Math.round(n * 10) / 10
    const maxRssMB = r1(process.resourceUsage().maxRSS / 1024) // KiB; includes the parent's RSS at fork, see the header
    const end = procStatus()
    const memory = end && setup
      ? {
          // The whole process's own peak: the larger of the setup's and the step's (the reset split them).
          peakRssMB: r1(setup.reset ? Math.max(setup.hwm, end.hwm) : end.hwm),
          setupPeakMB: r1(setup.hwm), stepStartMB: r1(setup.rss), stepPeakMB: setup.reset ? r1(end.hwm) : null,
        }
      : { peakRssMB: maxRssMB, setupPeakMB: null, stepStartMB: null, stepPeakMB: null }
    process.stdout.write(JSON.stringify({
      mode, ...result, ...memory, maxRssMB,
      sampledMB: { rss: mb(peaks.rss), heapUsed: mb(peaks.heapUsed), external: mb(peaks.external), arrayBuffers: mb(peaks.arrayBuffers) },
    }) + '\n')
    process.exit(0)
  },
  (err) => {
    console.error(err instanceof Error ? err.stack : String(err))
    process.exit(1)
  },
)
