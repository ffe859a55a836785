/**
 * The dispatcher of the transactional outbox: claims due messages (any number of workers, each
 * message to one), hands each to its channel, and records the outcome. At-least-once with a
 * stable identity per message (Message-ID, SMS idempotency, webhook delivery id): a crash
 * between the hand-over and the record can only repeat a send, recognisably (docs/operations.md).
 */
import type { Db } from '../store/db.ts'
import { openTask } from '../store/tasks.ts'
import type { MailFrom, Mailer, MailMessage } from './mailer.ts'
import { CLAIM_LEASE_MS, MAX_ATTEMPTS, backoffMs, messageFromRow, type ClaimedRow } from './outbox.ts'
import { DeliveryError, isPermanent } from './delivery-error.ts'
import type { SmsSender } from './sms.ts'
import type { WebhookSender } from './retailer-webhook.ts'
import { DEFAULT_QUIET_HOURS, releaseAt, type QuietHours } from '../domain/quiet-hours.ts'

/** The channels this process can send on; messages for others wait for a process that can. */
export interface Channels {
  email: Mailer
  sms?: SmsSender
  webhook?: WebhookSender
}

export interface DispatchOptions {
  now: Date
  /** Most messages taken in this run (default 50). */
  limit?: number
  /** From for messages whose payload names none (config.mailFrom); such a message fails without one. */
  from?: MailFrom
  /** Messages in flight at once (default 1). */
  concurrency?: number
  /**
   * Quiet hours as set now (WISMO_QUIET_START_HOUR/_END_HOUR; default 21–08): judged when a message
   * is sent, not when it was queued, so a change of the setting applies to what is still queued.
   */
  quietHours?: QuietHours
}

/**
 * What one run did (retried: failed now, queued again after its backoff; dead: gave up after
 * MAX_ATTEMPTS; held: claimed in the customer's quiet hours and put back until they end).
 */
export interface DispatchSummary {
  claimed: number
  held: number
  sent: number
  retried: number
  failed: number
  dead: number
}

// Due: its time has come, or it waits out a night (quiet_held) that the quiet hours as set now
// ($5-$6, in its zone) say is over — a narrowed setting releases it early (domain/quiet-hours.ts
// inQuiet, in SQL).
const LOCAL_HOUR = `extract(hour FROM $1::timestamptz AT TIME ZONE quiet_zone)`
const CLAIM_SQL = `UPDATE notifications n SET attempts = n.attempts + 1, next_attempt_at = $2
  WHERE n.notification_id IN (
        SELECT notification_id FROM notifications
         WHERE status = 'queued' AND channel = ANY($4::text[])
           AND (next_attempt_at <= $1 OR next_attempt_at IS NULL
                OR (quiet_held AND NOT CASE WHEN $5::int > $6::int THEN ${LOCAL_HOUR} >= $5::int OR ${LOCAL_HOUR} < $6::int
                                            ELSE ${LOCAL_HOUR} >= $5::int AND ${LOCAL_HOUR} < $6::int END))
         ORDER BY next_attempt_at NULLS FIRST, notification_id
         LIMIT $3 FOR UPDATE SKIP LOCKED)
  RETURNING n.notification_id, n.channel, n.order_id, n.supplier_id, n.recipient, n.dedupe_key, n.subject, n.body,
            n.payload, n.attempts, n.created_at, n.quiet_zone, n.deadline_at`

async function claimDue(db: Db, now: Date, limit: number, channels: string[], q: QuietHours): Promise<ClaimedRow[]> {
  return db.transaction((tx) =>
    tx.query<ClaimedRow>(CLAIM_SQL, [now, new Date(now.getTime() + CLAIM_LEASE_MS), limit, channels, q.startHour, q.endHour]),
  )
}

/**
 * When a claimed message may leave under the quiet hours as set now: now, or the end of the
 * customer's night — never past its legal deadline (a delay notice is not late for a night).
 */
function quietRelease(row: ClaimedRow, now: Date, q: QuietHours): Date | null {
  if (!row.quiet_zone) return null
  const at = releaseAt(now, row.quiet_zone, q, row.deadline_at)
  return at.getTime() > now.getTime() ? at : null
}

/** Puts a claimed message back until `until`: a hold is not a delivery attempt. */
async function hold(db: Db, row: ClaimedRow, until: Date): Promise<void> {
  await db.query(
    `UPDATE notifications SET attempts = attempts - 1, next_attempt_at = $2, quiet_held = true WHERE notification_id = $1 AND status = 'queued'`,
    [row.notification_id, until],
  )
}

/**
 * Records sends in small groups: the lanes' sends that finish together are marked in one
 * statement (one commit instead of one per message). A send is recorded before its lane takes
 * the next message, so a crash can leave at most the messages in flight unrecorded (resent later
 * under the same Message-ID, as with a single mark).
 */
function sentMarker(db: Db, now: Date) {
  let pending: { id: number; delivery: string }[] = []
  let flushing: Promise<void> | null = null
  const flush = async () => {
    const batch = pending
    pending = []
    flushing = null
    await db.query(
      `UPDATE notifications n SET status = 'sent', sent_at = $2, last_error = NULL, next_attempt_at = NULL, delivery = v.d
         FROM unnest($1::bigint[], $3::jsonb[]) AS v(id, d)
        WHERE n.notification_id = v.id AND n.status = 'queued'`,
      [batch.map((b) => b.id), now, batch.map((b) => b.delivery)],
    )
  }
  return (id: number, delivery: object): Promise<void> => {
    pending.push({ id, delivery: JSON.stringify(delivery) })
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(flush)
    return flushing
  }
}

type Outcome = 'retried' | 'failed' | 'dead'

/** A failed attempt: retried after the backoff, `failed` when it can never work, `dead` when tries ran out. */
async function markFailure(db: Db, row: ClaimedRow, now: Date, err: unknown): Promise<Outcome> {
  const error = (err as Error).message.slice(0, 2000)
  if (err instanceof DeliveryError && err.optedOut) {
    await db.query(`UPDATE notifications SET status = 'suppressed', last_error = $2, next_attempt_at = NULL WHERE notification_id = $1`, [row.notification_id, error])
    await db.query(`UPDATE customers SET sms_opted_out_at = coalesce(sms_opted_out_at, $2)
                     WHERE customer_id = (SELECT customer_id FROM orders WHERE order_id = $1)`, [row.order_id, now])
    return 'failed'
  }
  const outcome: Outcome = isPermanent(err) ? 'failed' : row.attempts >= MAX_ATTEMPTS ? 'dead' : 'retried'
  const next = outcome === 'retried' ? new Date(now.getTime() + backoffMs(row.attempts)) : null
  await db.query(
    `UPDATE notifications SET status = $2, last_error = $3, next_attempt_at = $4 WHERE notification_id = $1 AND status = 'queued'`,
    [row.notification_id, outcome === 'retried' ? 'queued' : outcome, error, next],
  )
  if (outcome !== 'retried') {
    await openTask(db, {
      kind: 'message_undelivered', dedupeKey: `message_undelivered:${row.notification_id}`, orderId: row.order_id, supplierId: row.supplier_id,
      title: `A ${row.channel} message could not be delivered (${outcome})`,
      detail: `to ${row.recipient}: ${row.subject ?? ''} — ${error} after ${row.attempts} attempt(s)`, now,
    })
  }
  return outcome
}

async function sendOne(row: ClaimedRow, channels: Channels, from: MailFrom | null): Promise<object> {
  if (row.channel === 'sms') {
    const r = await channels.sms!.send({ to: row.recipient, body: row.body })
    return { transport: 'sms', id: r.id }
  }
  if (row.channel === 'webhook') {
    const r = await channels.webhook!.send({ body: row.body, deliveryId: row.dedupe_key })
    return { transport: 'webhook', status: r.status }
  }
  let msg: MailMessage
  try {
    msg = messageFromRow(row, from)
  } catch (err) {
    throw new DeliveryError(`unreadable payload: ${(err as Error).message}`, { permanent: true, cause: err })
  }
  return channels.email.send(msg)
}

/**
 * Sends the messages due at `now` on the channels given. Safe with any number of workers at
 * once: each message is claimed by exactly one, under a lease that outlives any send.
 */
export async function dispatchDue(db: Db, channels: Mailer | Channels, opts: DispatchOptions): Promise<DispatchSummary> {
  const ch: Channels = 'send' in channels ? { email: channels } : channels
  const names = ['email', ...(ch.sms ? ['sms'] : []), ...(ch.webhook ? ['webhook'] : [])]
  const quiet = opts.quietHours ?? DEFAULT_QUIET_HOURS
  const rows = await claimDue(db, opts.now, opts.limit ?? 50, names, quiet)
  const summary: DispatchSummary = { claimed: rows.length, held: 0, sent: 0, retried: 0, failed: 0, dead: 0 }
  const from = opts.from ?? null
  const markSent = sentMarker(db, opts.now)
  let next = 0
  const lane = async () => {
    while (next < rows.length) {
      const row = rows[next++]
      const until = quietRelease(row, opts.now, quiet)
      if (until) {
        await hold(db, row, until)
        summary.held++
        continue
      }
      try {
        const receipt = await sendOne(row, ch, from)
        await markSent(row.notification_id, receipt)
        summary.sent++
      } catch (err) {
        summary[await markFailure(db, row, opts.now, err)]++
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 1, rows.length)) }, lane))
  return summary
}

/** Dispatches until nothing more is due at `now` (what `wismo sweep` does before it exits). */
export async function dispatchAllDue(db: Db, channels: Mailer | Channels, opts: DispatchOptions): Promise<DispatchSummary> {
  const total: DispatchSummary = { claimed: 0, held: 0, sent: 0, retried: 0, failed: 0, dead: 0 }
  for (;;) {
    const s = await dispatchDue(db, channels, { limit: 200, ...opts })
    for (const k of Object.keys(total) as (keyof DispatchSummary)[]) total[k] += s[k]
    // A run that only held messages has nothing more due (held ones wait until their morning).
    if (s.claimed === s.held) return total
  }
}
