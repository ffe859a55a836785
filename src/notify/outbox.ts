/**
 * The transactional outbox: a message is a `notifications` row written in the same transaction
 * as the decision to send it, under a unique dedupe key (so it exists exactly once), and a
 * dispatcher later hands due rows to the Mailer, retrying with backoff.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Queryable } from '../store/db.ts'
import { senderDomain, type MailAttachment, type MailFrom, type MailMessage } from './mailer.ts'

/** After this many failed sends a message is given up (`dead`, and a rep task) for a person to look at. */
export const MAX_ATTEMPTS = 8
export const BACKOFF_BASE_MS = 60_000
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
  /** The sender: a header value, or a name and address (mailer.ts MailFrom). */
  from: z.union([z.string().min(3), z.object({ name: z.string(), address: z.string().min(3) })]).optional(),
  html: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  attachments: z.array(PayloadAttachmentSchema).default([]),
})
/** A payload as callers write it (defaults filled in when it is stored). */
export type MailPayload = z.input<typeof MailPayloadSchema>

/** One message to queue; see enqueueMessage. */
export interface EnqueueInput {
  channel: 'email' | 'sms' | 'webhook'
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
  /** Every trigger of a customer message (the first is also `trigger`). */
  triggers?: string[]
  /** The order lines it speaks of. */
  lineNos?: number[]
  /** The law requires it (a delay notice or a cancellation). */
  required?: boolean
  /** It must leave by then (quiet hours never hold it past this). */
  deadlineAt?: Date | null
  /** Not before then (quiet hours as set when queued); default now. The dispatcher judges again when it sends. */
  sendAfter?: Date
  /** The customer's time zone: quiet hours apply to this message, judged at send time (dispatch.ts). */
  quietZone?: string | null
  /** Recorded but never sent: why (opted out, nothing to send to). */
  suppressed?: string | null
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
  return (await queueMessage(tx, m)) !== null
}

/** Like enqueueMessage, returning the new row's id (null when the dedupe key already existed). */
export async function queueMessage(tx: Queryable, m: EnqueueInput): Promise<number | null> {
  const payload = MailPayloadSchema.parse(m.payload ?? {})
  const suppressed = m.suppressed ?? null
  const rows = await tx.query<{ notification_id: number }>(
    `INSERT INTO notifications (order_id, supplier_id, channel, recipient, trigger, dedupe_key, subject, body, payload,
                                status, attempts, next_attempt_at, created_at, triggers, line_nos, required, deadline_at, last_error,
                                quiet_zone, quiet_held)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, 0, $12, $10, $13, $14, $15, $16, $17, $18, $19)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING notification_id`,
    [
      m.orderId ?? null, m.supplierId ?? null, m.channel, m.recipient, m.trigger, m.dedupeKey, m.subject, m.body, JSON.stringify(payload), m.now,
      suppressed ? 'suppressed' : 'queued', suppressed ? null : (m.sendAfter ?? m.now), m.triggers ?? [m.trigger], m.lineNos ?? [],
      m.required ?? false, m.deadlineAt ?? null, suppressed,
      // Held for the night when queued: the dispatcher looks again as soon as the setting says it is day.
      m.quietZone ?? null, !suppressed && m.quietZone != null && m.sendAfter !== undefined && m.sendAfter.getTime() > m.now.getTime(),
    ],
  )
  return rows[0]?.notification_id ?? null
}

/** Delay before attempt `attempts + 1` after `attempts` failures: 1 min, 5, 25, 125, then 6 h. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * BACKOFF_FACTOR ** Math.max(0, attempts - 1), BACKOFF_CAP_MS)
}

/** A row as the dispatcher claims it. */
export interface ClaimedRow {
  notification_id: number
  channel: string
  order_id: number | null
  supplier_id: string | null
  recipient: string
  dedupe_key: string
  subject: string | null
  body: string
  payload: unknown
  attempts: number
  created_at: Date
  /** The customer's zone when quiet hours apply to it, else null. */
  quiet_zone: string | null
  /** The legal deadline it must leave by (a delay notice), else null. */
  deadline_at: Date | null
}

/** Rebuilds the mail from its row; a Message-ID derived from the row keeps resends recognisable. */
export function messageFromRow(row: Pick<ClaimedRow, 'notification_id' | 'recipient' | 'dedupe_key' | 'subject' | 'body' | 'payload' | 'created_at'>, defaultFrom: MailFrom | null): MailMessage {
  const p = MailPayloadSchema.parse(row.payload ?? {})
  const from = p.from ?? defaultFrom
  // Every email wismo queues names its sender; one that does not is not sent from a made-up address.
  if (!from) throw new Error('the message names no sender, and none was configured (WISMO_MAIL_FROM)')
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

export { dispatchDue, type DispatchOptions, type DispatchSummary, type Channels } from './dispatch.ts'
