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
  if (kind === 'pglite') return openDb({ dataDir: where, migrate: false })
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
  return { ...db, query: wrap(db), transaction: (fn) => db.transaction((tx) => fn({ query: wrap(tx) })) } as Db
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
