import type { Db, Queryable, Session } from './db.ts'
import { DomainError } from '../domain/errors.ts'
import { CLAIM_SPACE, identityOf, inlineBody, insertRow, storeOnce, type Stored } from './inbound-store.ts'
import { crashPoint } from '../util/crash-point.ts'

export { sha256 } from './inbound-store.ts'

export type InboundKind = 'supplier_csv' | 'x12' | 'carrier_events' | 'carrier_webhook' | 'import_csv' | 'platform_orders' | 'platform_webhook'
  /** A whole email kept for a rep (src/transports/imap-message.ts): stored raw, quarantined with the reason. */
  | 'email'
/** `superseded`: left half-done by a process that stopped, and taken over by a later copy. */
export type InboundStatus = 'received' | 'applied' | 'duplicate' | 'quarantined' | 'superseded'

export interface InboundInput {
  kind: InboundKind
  source: string
  supplierId?: string | null
  filename?: string | null
  body: Buffer
  receivedAt: Date
  /** The sender's own identity for this message (interchange control number, event id). */
  dedupeKey?: string | null
  /**
   * A hash of what the message says (not its layout): when given, it alone decides what is a
   * replay, among the messages of the same supplier (X12: the same interchange re-indented is
   * a replay; a reused control number with other content is not).
   */
  contentKey?: string | null
}

export type StoredInbound = Stored

/**
 * Stores an outside message raw, before anything reads it, and says whether it is a replay.
 * A replay is recorded too (status duplicate), so `wismo feeds` shows every delivery. The
 * message is left `received` and unclaimed: `ingestMessage` is the path that also applies it.
 */
export async function storeInbound(db: Db, input: InboundInput): Promise<StoredInbound> {
  const body = inlineBody(input.body)
  // The row is left unclaimed the moment it is stored, so a claim held while writing it would
  // protect nothing: the common case is one INSERT, committed on its own (one round trip, as a
  // webhook storm needs). Only a copy whose identity is taken goes the whole way below (a
  // duplicate, or the takeover of a half-done copy that a stopped process left).
  const id = await insertRow(db, input, identityOf(input, body.sha256), body, { status: 'received' })
  if (id !== null) return { messageId: id, sha256: body.sha256, duplicateOf: null, supersedes: null }
  return db.session(async (s) => {
    const stored = await storeOnce(s, input, body)
    await s.unlock(CLAIM_SPACE, stored.messageId)
    return stored
  })
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
  /** The half-done message this one took over from, and the later copy that took over this one. */
  supersedes: number | null
  supersededBy: number | null
  /** How often it was taken up: the delivery, then each sweep that tried to finish it. */
  attempts: number
  summary: unknown
  /** Lines of an applied supplier feed that matched no open PO line of its sender (null: not counted). */
  unmatched: number | null
}

/** Feeds received, newest first, with their outcome. */
export async function listFeeds(db: Queryable, limit = 200): Promise<FeedRow[]> {
  const rows = await db.query<{
    message_id: number; kind: InboundKind; source: string; supplier_id: string | null; filename: string | null
    received_at: Date; status: InboundStatus; error: string | null; duplicate_of: number | null; summary: unknown
    supersedes: number | null; superseded_by: number | null; attempts: number; unmatched: number | null
  }>(
    `SELECT message_id, kind, source, supplier_id, filename, received_at, status, error, duplicate_of, summary, supersedes, attempts, unmatched,
            (SELECT n.message_id FROM inbound_messages n WHERE n.supersedes = m.message_id) AS superseded_by
       FROM inbound_messages m ORDER BY received_at DESC, message_id DESC LIMIT $1`,
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
    supersedes: r.supersedes,
    supersededBy: r.superseded_by,
    attempts: r.attempts,
    summary: r.summary,
    unmatched: r.unmatched,
  }))
}

/** The outcome of taking in one message. */
export type IngestOutcome<T = string[]> =
  | { outcome: 'applied'; messageId: number; summary: T; supersedes?: number | null }
  | { outcome: 'duplicate'; messageId: number; duplicateOf: number }
  | { outcome: 'quarantined'; messageId: number; reason: string; error?: DomainError }

export type Apply<T> = (tx: Queryable, messageId: number) => Promise<T>

/**
 * The one path every outside message takes: stored raw (committed, claimed) first, then applied
 * in its own transaction; a parse/apply failure quarantines it with the reason and changes
 * nothing else. Of identical copies arriving at once, one is applied and the rest are duplicates.
 */
export async function ingestMessage<T = string[]>(db: Db, input: InboundInput, apply: Apply<T>): Promise<IngestOutcome<T>> {
  return db.session(async (s) => {
    const stored = await storeOnce(s, input, inlineBody(input.body))
    if (stored.duplicateOf !== null) return { outcome: 'duplicate', messageId: stored.messageId, duplicateOf: stored.duplicateOf }
    try {
      return await applyClaimed(s, stored.messageId, apply, { appliedAt: input.receivedAt, supersedes: stored.supersedes })
    } finally {
      await s.unlock(CLAIM_SPACE, stored.messageId).catch(() => {})
    }
  })
}

/** Deadlocks and serialization failures are retried this often before the message waits for a sweep. */
const APPLY_ATTEMPTS = 4

/**
 * Applies a message this session has claimed: applied (with its summary) or quarantined (a
 * DomainError: the reason, nothing of it applied). Any other failure — the database, a bug —
 * is noted on the message, which stays `received` for the next sweep, and rethrown.
 */
export async function applyClaimed<T>(
  s: Session,
  messageId: number,
  apply: Apply<T>,
  opts: { appliedAt: Date; supersedes?: number | null; maxDetails?: number },
): Promise<IngestOutcome<T>> {
  try {
    const summary = await s.transaction(async (tx) => {
      const result = await apply(tx, messageId)
      await markApplied(tx, messageId, result, opts.appliedAt)
      crashPoint('inbound.apply')
      return result
    }, { attempts: APPLY_ATTEMPTS })
    return { outcome: 'applied', messageId, summary, supersedes: opts.supersedes ?? null }
  } catch (err) {
    if (!(err instanceof DomainError)) {
      await s.query(`UPDATE inbound_messages SET error = $2 WHERE message_id = $1 AND status = 'received'`, [messageId, `not applied yet: ${(err as Error).message}`]).catch(() => {})
      throw err
    }
    const reason = [err.message, ...err.details.slice(0, opts.maxDetails ?? err.details.length)].join('; ')
    await markQuarantined(s, messageId, reason)
    return { outcome: 'quarantined', messageId, reason, error: err }
  }
}
