import { createHash } from 'node:crypto'
import type { Db, Queryable } from './db.ts'
import { DomainError } from '../domain/errors.ts'

export type InboundKind = 'supplier_csv' | 'x12' | 'carrier_events' | 'carrier_webhook' | 'import_csv'
export type InboundStatus = 'received' | 'applied' | 'duplicate' | 'quarantined'

export interface InboundInput {
  kind: InboundKind
  source: string
  supplierId?: string | null
  filename?: string | null
  body: Buffer
  receivedAt: Date
  /** The sender's own identity for this message (interchange control number, event id). */
  dedupeKey?: string | null
}

export interface StoredInbound {
  messageId: number
  sha256: string
  /** Set when the same message was already applied: nothing is to be done. */
  duplicateOf: number | null
}

export function sha256(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}

/**
 * Stores an outside message raw, before anything reads it, and says whether it is a replay.
 * A replay is recorded too (status duplicate), so `wismo feeds` shows every delivery.
 */
export async function storeInbound(db: Queryable, input: InboundInput): Promise<StoredInbound> {
  const hash = sha256(input.body)
  const prior = await db.query<{ message_id: number }>(
    // Two lookups that each match their whole index: an OR across both indexes let stale
    // statistics turn the check into a read of every stored message (measured: 5 ms and growing).
    `SELECT min(message_id) AS message_id FROM (
       SELECT message_id FROM inbound_messages WHERE kind = $1 AND sha256 = $2 AND status = 'applied'
       UNION ALL
       SELECT message_id FROM inbound_messages WHERE kind = $1 AND dedupe_key = $3 AND status = 'applied') m`,
    [input.kind, hash, input.dedupeKey ?? null],
  )
  const duplicateOf = prior[0]?.message_id ?? null
  const rows = await db.query<{ message_id: number }>(
    `INSERT INTO inbound_messages (kind, source, supplier_id, filename, sha256, dedupe_key, body, received_at, status, duplicate_of)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING message_id`,
    [
      input.kind, input.source, input.supplierId ?? null, input.filename ?? null, hash,
      input.dedupeKey ?? null, input.body, input.receivedAt, duplicateOf ? 'duplicate' : 'received', duplicateOf,
    ],
  )
  return { messageId: rows[0].message_id, sha256: hash, duplicateOf }
}

export async function markApplied(db: Queryable, messageId: number, summary: unknown, at: Date): Promise<void> {
  await db.query(
    `UPDATE inbound_messages SET status = 'applied', summary = $2, applied_at = $3, error = NULL WHERE message_id = $1`,
    [messageId, JSON.stringify(summary), at],
  )
}

export async function markQuarantined(db: Queryable, messageId: number, reason: string): Promise<void> {
  await db.query(`UPDATE inbound_messages SET status = 'quarantined', error = $2 WHERE message_id = $1`, [messageId, reason])
}

export interface FeedRow {
  messageId: number
  kind: InboundKind
  source: string
  supplierId: string | null
  filename: string | null
  receivedAt: string
  status: InboundStatus
  /** The same as status, under the word DESIGN.md uses ("feeds received, with their outcome"). */
  outcome: InboundStatus
  reason: string | null
  duplicateOf: number | null
  summary: unknown
}

/** Feeds received, newest first, with their outcome. */
export async function listFeeds(db: Queryable, limit = 200): Promise<FeedRow[]> {
  const rows = await db.query<{
    message_id: number; kind: InboundKind; source: string; supplier_id: string | null; filename: string | null
    received_at: Date; status: InboundStatus; error: string | null; duplicate_of: number | null; summary: unknown
  }>(
    `SELECT message_id, kind, source, supplier_id, filename, received_at, status, error, duplicate_of, summary
       FROM inbound_messages ORDER BY received_at DESC, message_id DESC LIMIT $1`,
    [limit],
  )
  return rows.map((r) => ({
    messageId: r.message_id,
    kind: r.kind,
    source: r.source,
    supplierId: r.supplier_id,
    filename: r.filename,
    receivedAt: r.received_at.toISOString(),
    status: r.status,
    outcome: r.status,
    reason: r.error,
    duplicateOf: r.duplicate_of,
    summary: r.summary,
  }))
}

/** The outcome of taking in one message. */
export type IngestOutcome =
  | { outcome: 'applied'; messageId: number; summary: string[] }
  | { outcome: 'duplicate'; messageId: number; duplicateOf: number }
  | { outcome: 'quarantined'; messageId: number; reason: string }

/**
 * The one path every outside message takes: stored raw (committed) first, then applied in its
 * own transaction; a parse/apply failure quarantines it with the reason and changes nothing else.
 */
export async function ingestMessage(
  db: Db,
  input: InboundInput,
  apply: (tx: Queryable, messageId: number) => Promise<string[]>,
): Promise<IngestOutcome> {
  const stored = await storeInbound(db, input)
  if (stored.duplicateOf) return { outcome: 'duplicate', messageId: stored.messageId, duplicateOf: stored.duplicateOf }
  try {
    const summary = await db.transaction(async (tx) => {
      const lines = await apply(tx, stored.messageId)
      await markApplied(tx, stored.messageId, lines, input.receivedAt)
      return lines
    })
    return { outcome: 'applied', messageId: stored.messageId, summary }
  } catch (err) {
    // The same message delivered twice at once: the unique index lets only one be applied; the
    // other is what it would have been a moment later, a duplicate.
    if ((err as { code?: string; constraint?: string }).constraint === 'inbound_messages_dedupe') {
      const [first] = await db.query<{ message_id: number }>(
        `SELECT message_id FROM inbound_messages WHERE kind = $1 AND dedupe_key = $2 AND status = 'applied'`,
        [input.kind, input.dedupeKey ?? null],
      )
      if (first) {
        await db.query(`UPDATE inbound_messages SET status = 'duplicate', duplicate_of = $2 WHERE message_id = $1`, [stored.messageId, first.message_id])
        return { outcome: 'duplicate', messageId: stored.messageId, duplicateOf: first.message_id }
      }
    }
    if (!(err instanceof DomainError)) {
      // Not one of ours (a bug or the database): keep the message 'received' for a retry, and say so.
      throw err
    }
    const reason = [err.message, ...err.details].join('; ')
    await markQuarantined(db, stored.messageId, reason)
    return { outcome: 'quarantined', messageId: stored.messageId, reason }
  }
}
