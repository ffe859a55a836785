/**
 * The supplier's files on an SFTP server: listed, each settled file fetched once (name, size and
 * content hash remembered), ingested through the normal path, then moved to the archive folder.
 *
 * Why nothing is taken twice: a file is recorded in transport_files right after its ingest; if
 * the process stops between the two, the next poll fetches it again and the ingest finds the
 * same content already stored (a duplicate in inbound_messages), applies nothing, and the record
 * is written then. A download cut short records nothing, and a short body is never ingested.
 */
import path from 'node:path'
import { createHash } from 'node:crypto'
import type SftpClient from 'ssh2-sftp-client'
import type { Db } from '../store/db.ts'
import { ingestSupplierFeed } from '../feeds/ingest-file.ts'
import type { SupplierTransport } from './transport-store.ts'

export interface InboundResult {
  /** Files ingested this poll (applied, quarantined or a duplicate of content already stored). */
  fetched: { name: string; outcome: string; messageId: number | null }[]
  /** Files still being written (grown since the last listing, or younger than the settle time). */
  waiting: string[]
  /** Files seen again with content already taken. */
  repeated: string[]
  archived: string[]
}

const DEFAULT_SETTLE_SECONDS = 60

interface Listed { name: string; size: number; mtime: Date }

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

export async function fetchInbound(
  db: Db, client: SftpClient, t: SupplierTransport, dir: string, now: Date, log: (s: string) => void,
): Promise<InboundResult> {
  const result: InboundResult = { fetched: [], waiting: [], repeated: [], archived: [] }
  const listing: Listed[] = (await client.list(dir))
    // Names a writer uses while a file is not finished (as in the inbox folders) are left alone.
    .filter((e) => e.type === '-' && !e.name.startsWith('.') && !/\.(part|tmp|filepart)$/i.test(e.name))
    .map((e) => ({ name: e.name, size: e.size, mtime: new Date(e.modifyTime) }))
    .sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || a.name.localeCompare(b.name))
  const before = await lastListing(db, t.transportId)
  await saveListing(db, t.transportId, listing, now)
  const settleMs = (t.settings.settleSeconds ?? DEFAULT_SETTLE_SECONDS) * 1000
  for (const f of listing) {
    const remote = path.posix.join(dir, f.name)
    const taken = await takenRecord(db, t.transportId, f)
    if (taken) {
      // Still here after it was archived: the supplier put the same file back (archived again).
      if (taken.archivedAt !== null && t.settings.archiveDir) result.repeated.push(f.name)
      await archive(db, client, t, remote, f, taken.sha256, now, log, result)
      continue
    }
    const prev = before.get(f.name)
    const grew = prev !== undefined && (prev.size !== f.size || prev.mtime.getTime() !== f.mtime.getTime())
    if (grew || now.getTime() - f.mtime.getTime() < settleMs) {
      result.waiting.push(f.name)
      continue
    }
    const body = (await client.get(remote)) as Buffer
    // A connection that drops mid-file may end the stream early rather than fail it.
    if (body.length !== f.size) throw new Error(`${remote}: got ${body.length} of ${f.size} bytes`)
    const hash = sha256(body)
    const again = await db.query(
      'UPDATE transport_files SET mtime = $5 WHERE transport_id = $1 AND remote_name = $2 AND size = $3 AND sha256 = $4 RETURNING archived_at',
      [t.transportId, f.name, f.size, hash, f.mtime],
    )
    if (again.length > 0) {
      result.repeated.push(f.name)
      await archive(db, client, t, remote, f, hash, now, log, result)
      continue
    }
    const outcome = await ingestSupplierFeed(db, { body, filename: f.name, supplierId: t.supplierId, source: 'sftp', receivedAt: now })
    const messageId: number | null = outcome.outcome === 'duplicate' ? outcome.duplicateOf : outcome.messageId
    await db.query(
      `INSERT INTO transport_files (transport_id, remote_name, size, sha256, message_id, fetched_at, mtime) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (transport_id, remote_name, size, sha256) DO UPDATE SET mtime = excluded.mtime`,
      [t.transportId, f.name, f.size, hash, messageId, now, f.mtime],
    )
    result.fetched.push({ name: f.name, outcome: outcome.outcome, messageId })
    log(`sftp ${t.supplierId}: ${f.name}: ${outcome.outcome}${messageId !== null ? ` (message ${messageId})` : ''}`)
    await archive(db, client, t, remote, f, hash, now, log, result)
  }
  return result
}

async function lastListing(db: Db, transportId: number): Promise<Map<string, { size: number; mtime: Date }>> {
  const rows = await db.query<{ remote_name: string; size: string | number; mtime: Date }>(
    'SELECT remote_name, size, mtime FROM transport_listing WHERE transport_id = $1', [transportId],
  )
  return new Map(rows.map((r) => [r.remote_name, { size: Number(r.size), mtime: r.mtime }]))
}

async function saveListing(db: Db, transportId: number, listing: Listed[], now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM transport_listing WHERE transport_id = $1', [transportId])
    for (const f of listing) {
      await tx.query('INSERT INTO transport_listing (transport_id, remote_name, size, mtime, seen_at) VALUES ($1, $2, $3, $4, $5)', [transportId, f.name, f.size, f.mtime, now])
    }
  })
}

/** The record of a file already taken with this name, size and mtime (skipped without a download). */
async function takenRecord(db: Db, transportId: number, f: Listed): Promise<{ sha256: string; archivedAt: Date | null } | null> {
  const [row] = await db.query<{ sha256: string; archived_at: Date | null }>(
    'SELECT sha256, archived_at FROM transport_files WHERE transport_id = $1 AND remote_name = $2 AND size = $3 AND mtime = $4 LIMIT 1',
    [transportId, f.name, f.size, f.mtime],
  )
  return row ? { sha256: row.sha256, archivedAt: row.archived_at } : null
}

/**
 * Moves a taken file to the archive folder. A name already in the archive (the same file sent
 * again) gets its content hash appended. A failure is logged and tried again next poll; the file
 * is never ingested again meanwhile (its record says it was taken).
 */
async function archive(
  db: Db, client: SftpClient, t: SupplierTransport, remote: string, f: Listed, hash: string, now: Date,
  log: (s: string) => void, result: InboundResult,
): Promise<void> {
  const dir = t.settings.archiveDir
  if (!dir) return
  const plain = path.posix.join(dir, f.name)
  try {
    const target = (await client.exists(plain)) ? `${plain}.${hash.slice(0, 12)}` : plain
    if (await client.exists(target)) await client.delete(remote)
    else await client.rename(remote, target)
  } catch (err) {
    log(`sftp ${t.supplierId}: ${f.name} not moved to ${dir} (tried again next poll): ${(err as Error).message}`)
    return
  }
  await db.query(
    'UPDATE transport_files SET archived_at = $5 WHERE transport_id = $1 AND remote_name = $2 AND size = $3 AND sha256 = $4',
    [t.transportId, f.name, f.size, hash, now],
  )
  result.archived.push(f.name)
}
