/**
 * The transactional outbox: a message is a `notifications` row written in the same transaction
 * as the decision to send it, under a unique dedupe key (so it exists exactly once), and a
 * dispatcher later hands due rows to the Mailer, retrying with backoff.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Db, Queryable } from '../store/db.ts'
import { DEFAULT_MAIL_FROM, senderDomain, type MailAttachment, type Mailer, type MailMessage } from './mailer.ts'

/** After this many failed sends a message is given up (`failed`) for a person to look at. */
export const MAX_ATTEMPTS = 8
const BACKOFF_BASE_MS = 60_000
const BACKOFF_FACTOR = 5
const BACKOFF_CAP_MS = 6 * 3_600_000
/**
 * How long a claimed message is held by its dispatcher. Longer than the SMTP timeouts, so a
 * live send never overlaps another worker's; a worker that dies mid-send frees it after this.
 */
export const CLAIM_LEASE_MS = 10 * 60_000

const PayloadAttachmentSchema = z.object({
  filename: z.string().min(1),
  contentType: z.string().min(1),
  content: z.string(),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
})

/** What the row needs besides subject and body to rebuild the exact mail (versioned, checked at dispatch). */
export const MailPayloadSchema = z.looseObject({
  v: z.literal(1).default(1),
  from: z.string().min(3).optional(),
  html: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  attachments: z.array(PayloadAttachmentSchema).default([]),
})
/** A payload as callers write it (defaults filled in when it is stored). */
export type MailPayload = z.input<typeof MailPayloadSchema>

/** One message to queue; see enqueueMessage. */
export interface EnqueueInput {
  channel: 'email'
  recipient: string
  /** Why it is sent (`status_request`, `backordered`, …). */
  trigger: string
  /** Unique across all messages ever: a second enqueue with the same key changes nothing. */
  dedupeKey: string
  subject: string
  /** The plain-text body. */
  body: string
  payload?: MailPayload
  supplierId?: string | null
  orderId?: number | null
  now: Date
}

/** An attachment as it is stored in a payload: text stays text, anything else base64. */
export function toPayloadAttachment(a: MailAttachment): z.input<typeof PayloadAttachmentSchema> {
  return typeof a.content === 'string'
    ? { filename: a.filename, contentType: a.contentType, content: a.content, encoding: 'utf8' }
    : { filename: a.filename, contentType: a.contentType, content: a.content.toString('base64'), encoding: 'base64' }
}

/**
 * Queues a message inside the caller's transaction; true when it is new, false when a message
 * with the same dedupe key already exists (queued, sent or failed — it is never queued twice).
 */
export async function enqueueMessage(tx: Queryable, m: EnqueueInput): Promise<boolean> {
  const payload = MailPayloadSchema.parse(m.payload ?? {})
  const rows = await tx.query(
    `INSERT INTO notifications (order_id, supplier_id, channel, recipient, trigger, dedupe_key, subject, body, payload,
                                status, attempts, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', 0, $10, $10)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING notification_id`,
    [m.orderId ?? null, m.supplierId ?? null, m.channel, m.recipient, m.trigger, m.dedupeKey, m.subject, m.body, JSON.stringify(payload), m.now],
  )
  return rows.length > 0
}

/** Delay before attempt `attempts + 1` after `attempts` failures: 1 min, 5, 25, 125, then 6 h. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * BACKOFF_FACTOR ** Math.max(0, attempts - 1), BACKOFF_CAP_MS)
}

interface ClaimedRow {
  notification_id: number
  recipient: string
  dedupe_key: string
  subject: string | null
  body: string
  payload: unknown
  attempts: number
  created_at: Date
}

/**
 * Takes up to `limit` due email messages for this worker: locks them (skipping rows another
 * worker holds), counts the attempt and leases them, all in one committed transaction — so the
 * send itself happens without holding a database connection or lock.
 */
async function claimDue(db: Db, now: Date, limit: number): Promise<ClaimedRow[]> {
  return db.transaction((tx) =>
    tx.query<ClaimedRow>(
      `UPDATE notifications n SET attempts = n.attempts + 1, next_attempt_at = $2
        WHERE n.notification_id IN (
              SELECT notification_id FROM notifications
               WHERE status = 'queued' AND channel = 'email' AND (next_attempt_at <= $1 OR next_attempt_at IS NULL)
               ORDER BY next_attempt_at NULLS FIRST, notification_id
               LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING n.notification_id, n.recipient, n.dedupe_key, n.subject, n.body, n.payload, n.attempts, n.created_at`,
      [now, new Date(now.getTime() + CLAIM_LEASE_MS), limit],
    ),
  )
}

/** Rebuilds the mail from its row; a Message-ID derived from the row keeps resends recognisable. */
export function messageFromRow(row: Omit<ClaimedRow, 'attempts'>, defaultFrom: string): MailMessage {
  const p = MailPayloadSchema.parse(row.payload ?? {})
  const from = p.from ?? defaultFrom
  const tag = createHash('sha256').update(row.dedupe_key).digest('hex').slice(0, 12)
  return {
    to: row.recipient,
    from,
    subject: row.subject ?? '',
    text: row.body,
    html: p.html,
    headers: p.headers,
    date: row.created_at,
    messageId: `<wismo.${row.notification_id}.${tag}@${senderDomain(from)}>`,
    attachments: p.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.encoding === 'base64' ? Buffer.from(a.content, 'base64') : a.content,
    })),
  }
}

async function markSent(db: Db, id: number, now: Date, delivery: object): Promise<void> {
  await db.query(
    `UPDATE notifications SET status = 'sent', sent_at = $2, last_error = NULL, next_attempt_at = NULL,
            payload = coalesce(payload, '{}'::jsonb) || jsonb_build_object('delivery', $3::jsonb)
      WHERE notification_id = $1 AND status = 'queued'`,
    [id, now, JSON.stringify(delivery)],
  )
}

/** Records a failed attempt: retried after the backoff, or `failed` once attempts run out (or it can never work). */
async function markFailure(db: Db, row: ClaimedRow, now: Date, error: string, permanent: boolean): Promise<'retried' | 'failed'> {
  const giveUp = permanent || row.attempts >= MAX_ATTEMPTS
  await db.query(
    `UPDATE notifications SET status = $2, last_error = $3, next_attempt_at = $4
      WHERE notification_id = $1 AND status = 'queued'`,
    [row.notification_id, giveUp ? 'failed' : 'queued', error.slice(0, 2000), giveUp ? null : new Date(now.getTime() + backoffMs(row.attempts))],
  )
  return giveUp ? 'failed' : 'retried'
}

/** How much dispatchDue does, and as of when. */
export interface DispatchOptions {
  now: Date
  /** Most messages taken in this run (default 50). */
  limit?: number
  /** From for messages whose payload names none (default `WISMO_MAIL_FROM`'s default). */
  from?: string
}

/** What one dispatch run did (retried: failed now, queued again after its backoff). */
export interface DispatchSummary {
  claimed: number
  sent: number
  retried: number
  failed: number
}

/**
 * Sends the email messages that are due at `now`. Safe with any number of workers at once: each
 * message is claimed by exactly one. A failure is retried with exponential backoff and recorded
 * in `last_error`; after MAX_ATTEMPTS (or a payload that cannot be read) the message is `failed`.
 */
export async function dispatchDue(db: Db, mailer: Mailer, opts: DispatchOptions): Promise<DispatchSummary> {
  const rows = await claimDue(db, opts.now, opts.limit ?? 50)
  const summary: DispatchSummary = { claimed: rows.length, sent: 0, retried: 0, failed: 0 }
  for (const row of rows) {
    let msg: MailMessage
    try {
      msg = messageFromRow(row, opts.from ?? DEFAULT_MAIL_FROM)
    } catch (err) {
      summary[await markFailure(db, row, opts.now, `unreadable payload: ${(err as Error).message}`, true)]++
      continue
    }
    try {
      const receipt = await mailer.send(msg)
      await markSent(db, row.notification_id, opts.now, receipt)
      summary.sent++
    } catch (err) {
      summary[await markFailure(db, row, opts.now, (err as Error).message, false)]++
    }
  }
  return summary
}
