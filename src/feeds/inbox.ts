import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../store/db.ts'
import type { Clock } from '../clock.ts'
import { ingestSupplierFeed, type SupplierFeedOutcome } from './ingest-file.ts'
import { claim, fileSystemNow, moveInto, readClaim, writeInto } from './inbox-files.ts'

/**
 * The inbox: one folder per supplier (`<inbox>/<supplier_id>/`), where SFTP/AS2 gateways drop
 * files. Each file is claimed by renaming it into `processing/` under a name of its own (so
 * several processes can share a folder, see inbox-files.ts), taken in through the same path as
 * the CLI, then moved to `archive/<day>/` (applied or duplicate) or `quarantine/` (with a
 * `.reason.txt`); an X12 file's 997 goes to `acks/`. No step ever replaces a file.
 */
export interface InboxScanResult {
  files: { supplierId: string; file: string; outcome: SupplierFeedOutcome['outcome']; messageId: number }[]
  /** Files that could not be taken in this time (the database went away…): kept in processing/, retried. */
  failed: { supplierId: string; file: string; error: string; retryAfterScans: number }[]
}

export interface ScanInboxOptions {
  inboxDir: string
  clock: Clock
}

const RESERVED = new Set(['archive', 'quarantine', 'acks', 'processing'])
// Files still being written: gateways use temporary names, and a file touched this recently may grow.
const PARTIAL = /\.(part|tmp|filepart|partial)$/i
const SETTLE_MS = 1_000
const MAX_BACKOFF_SCANS = 64

/**
 * This process's claims that failed, by claim path: how many times, and how many scans to wait
 * before the next try (1, 2, 4 … 64 scans: at the default 5 s interval, at most about 5 minutes).
 */
const backoff = new Map<string, { failures: number; wait: number }>()
/** Claims this process is taking in right now (scans of one process could overlap). */
const inHand = new Set<string>()

function listSuppliers(inboxDir: string): string[] {
  if (!fs.existsSync(inboxDir)) return []
  return fs
    .readdirSync(inboxDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
}

function readyFiles(dir: string, fsNow: number): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.') && !PARTIAL.test(d.name) && !RESERVED.has(d.name))
    .map((d) => d.name)
    .filter((name) => fsNow - statOrNull(path.join(dir, name), fsNow) >= SETTLE_MS)
    .sort()
}

function statOrNull(file: string, fallback: number): number {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return fallback // gone meanwhile (another process claimed it): not ready here
  }
}

/**
 * Claims left in processing/ that this process should take (again): those of a process that
 * died (taken over where they lie, under a new claim name), and this process's own failed ones
 * whose wait is over.
 */
function takeLeftovers(processing: string): { claimed: string; name: string }[] {
  if (!fs.existsSync(processing)) return []
  const out: { claimed: string; name: string }[] = []
  for (const entry of fs.readdirSync(processing).sort()) {
    const c = readClaim(processing, entry)
    if (!c || c.holder === 'live' || inHand.has(c.path)) continue
    if (c.holder === 'mine') {
      const b = backoff.get(c.path)
      if (b && --b.wait > 0) continue
      out.push({ claimed: c.path, name: c.name })
      continue
    }
    const claimed = claim(c.path, processing, c.name)
    if (claimed) out.push({ claimed, name: c.name })
  }
  return out
}

/** Takes in every settled file of every supplier folder once. */
export async function scanInbox(db: Db, opts: ScanInboxOptions): Promise<InboxScanResult> {
  const result: InboxScanResult = { files: [], failed: [] }
  for (const supplierId of listSuppliers(opts.inboxDir)) {
    const dir = path.join(opts.inboxDir, supplierId)
    const processing = path.join(dir, 'processing')
    const work = takeLeftovers(processing)
    for (const name of readyFiles(dir, fileSystemNow(processing))) {
      const claimed = claim(path.join(dir, name), processing, name)
      if (claimed) work.push({ claimed, name }) // null: another process claimed it first
    }
    for (const { claimed, name } of work) await takeIn(db, opts, { supplierId, dir, claimed, name }, result)
  }
  return result
}

async function takeIn(
  db: Db,
  opts: ScanInboxOptions,
  file: { supplierId: string; dir: string; claimed: string; name: string },
  result: InboxScanResult,
): Promise<void> {
  const { supplierId, dir, claimed, name } = file
  let outcome: SupplierFeedOutcome
  inHand.add(claimed)
  try {
    outcome = await ingestSupplierFeed(db, {
      body: fs.readFileSync(claimed), filename: name, supplierId, source: 'inbox', receivedAt: opts.clock.now(),
    })
  } catch (err) {
    // Not the file's fault (a bad file is quarantined, not thrown): keep the claim and try again later.
    const b = backoff.get(claimed) ?? { failures: 0, wait: 0 }
    b.failures += 1
    b.wait = Math.min(MAX_BACKOFF_SCANS, 2 ** (b.failures - 1))
    backoff.set(claimed, b)
    result.failed.push({ supplierId, file: name, error: (err as Error).message, retryAfterScans: b.wait })
    return
  } finally {
    inHand.delete(claimed)
  }
  backoff.delete(claimed)
  settle(dir, claimed, name, outcome, opts.clock.now())
  result.files.push({ supplierId, file: name, outcome: outcome.outcome, messageId: outcome.messageId })
}

function settle(dir: string, claimed: string, name: string, outcome: SupplierFeedOutcome, now: Date): void {
  if (outcome.acknowledgment) writeInto(path.join(dir, 'acks'), `${name}.997`, outcome.acknowledgment)
  if (outcome.outcome === 'quarantined') {
    const target = moveInto(claimed, path.join(dir, 'quarantine'), name)
    fs.writeFileSync(`${target}.reason.txt`, `${outcome.reason}\n`)
    return
  }
  moveInto(claimed, path.join(dir, 'archive', now.toISOString().slice(0, 10)), `${outcome.messageId}-${name}`)
}
