import fs from 'node:fs'
import path from 'node:path'
import { processAlive } from '../util/process.ts'
import type { Db } from '../store/db.ts'
import type { Clock } from '../clock.ts'
import { ingestSupplierFeed, type SupplierFeedOutcome } from './ingest-file.ts'

/**
 * The inbox: one folder per supplier (`<inbox>/<supplier_id>/`), where SFTP/AS2 gateways drop
 * files. Each file is claimed by renaming it (so several processes can share a folder), taken in
 * through the same path as the CLI, then moved to `archive/<day>/` (applied or duplicate) or
 * `quarantine/` (with a `.reason.txt`); an X12 file's 997 goes to `acks/`.
 */
export interface InboxScanResult {
  files: { supplierId: string; file: string; outcome: SupplierFeedOutcome['outcome']; messageId: number }[]
}

const RESERVED = new Set(['archive', 'quarantine', 'acks', 'processing'])
// Files still being written: gateways use temporary names, and a file touched this recently may grow.
const PARTIAL = /\.(part|tmp|filepart|partial)$/i
const SETTLE_MS = 1_000

function listSuppliers(inboxDir: string): string[] {
  if (!fs.existsSync(inboxDir)) return []
  return fs
    .readdirSync(inboxDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
}

function readyFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && !d.name.startsWith('.') && !PARTIAL.test(d.name) && !RESERVED.has(d.name))
    .map((d) => d.name)
    .filter((name) => Date.now() - fs.statSync(path.join(dir, name)).mtimeMs >= SETTLE_MS)
    .sort()
}

/** Moves a file into a subfolder, never overwriting an earlier one with the same name. */
function moveInto(file: string, folder: string, name: string): string {
  fs.mkdirSync(folder, { recursive: true })
  let target = path.join(folder, name)
  for (let i = 1; fs.existsSync(target); i++) target = path.join(folder, `${i}-${name}`)
  fs.renameSync(file, target)
  return target
}

/** A process that died mid-file left it in processing/: put it back to be taken in again. */
function recoverAbandoned(dir: string): void {
  const processing = path.join(dir, 'processing')
  if (!fs.existsSync(processing)) return
  for (const name of fs.readdirSync(processing)) {
    const m = /^(\d+)-(.+)$/.exec(name)
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue
    fs.renameSync(path.join(processing, name), path.join(dir, m[2]))
  }
}

/** Takes in every settled file of every supplier folder once. */
export async function scanInbox(db: Db, opts: { inboxDir: string; clock: Clock }): Promise<InboxScanResult> {
  const result: InboxScanResult = { files: [] }
  for (const supplierId of listSuppliers(opts.inboxDir)) {
    const dir = path.join(opts.inboxDir, supplierId)
    recoverAbandoned(dir)
    for (const name of readyFiles(dir)) {
      const claimed = path.join(dir, 'processing', `${process.pid}-${name}`)
      fs.mkdirSync(path.dirname(claimed), { recursive: true })
      try {
        fs.renameSync(path.join(dir, name), claimed)
      } catch {
        continue // another process claimed it first
      }
      const outcome = await ingestSupplierFeed(db, {
        body: fs.readFileSync(claimed), filename: name, supplierId, source: 'inbox', receivedAt: opts.clock.now(),
      })
      settle(dir, claimed, name, outcome, opts.clock.now())
      result.files.push({ supplierId, file: name, outcome: outcome.outcome, messageId: outcome.messageId })
    }
  }
  return result
}

function settle(dir: string, claimed: string, name: string, outcome: SupplierFeedOutcome, now: Date): void {
  if (outcome.acknowledgment) {
    fs.mkdirSync(path.join(dir, 'acks'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'acks', `${name}.997`), outcome.acknowledgment)
  }
  if (outcome.outcome === 'quarantined') {
    const target = moveInto(claimed, path.join(dir, 'quarantine'), name)
    fs.writeFileSync(`${target}.reason.txt`, `${outcome.reason}\n`)
    return
  }
  moveInto(claimed, path.join(dir, 'archive', now.toISOString().slice(0, 10)), `${outcome.messageId}-${name}`)
}
