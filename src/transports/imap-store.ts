/**
 * The rows behind an IMAP mailbox (tables of migration 143): the mailbox itself, its health, the
 * lease a poller holds on it, and each message part taken once (transport_files).
 */
import { z } from 'zod'
import type { Db, Queryable } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { sealCredentials } from '../connect/credentials.ts'
// The same backoff as an SFTP poll's: the interval × 2^failures in a row, at most an hour.
import { backoffSeconds } from './transport-store.ts'

/** What `settings` of an IMAP mailbox may hold (all optional). */
export const ImapSettingsSchema = z.object({
  /** Where ingested messages go (created if missing). */
  doneFolder: z.string().min(1).default('wismo-done'),
  /** Where messages kept for a rep go (created if missing). */
  heldFolder: z.string().min(1).default('wismo-held'),
  /** Leave messages in the folder, only flagged \Seen (then only unseen ones are taken). */
  keepInInbox: z.boolean().default(false),
  everySeconds: z.number().int().min(30).default(300),
  /** More sender addresses per supplier, besides suppliers.email: { "edi@acme.example": "ACME" }. */
  senders: z.record(z.string(), z.string()).default({}),
})
export type ImapSettings = z.infer<typeof ImapSettingsSchema>

export interface ImapTransport {
  transportId: number
  supplierId: string | null
  url: string
  credentials: string | null
  settings: ImapSettings
  failures: number
}

interface Row {
  transport_id: number
  supplier_id: string | null
  url: string
  credentials: string | null
  settings: unknown
  failures: number
}

const COLUMNS = 'transport_id, supplier_id, url, credentials, settings, failures'

function fromRow(r: Row): ImapTransport {
  const settings = ImapSettingsSchema.safeParse(r.settings ?? {})
  if (!settings.success) throw new DomainError('TRANSPORT_SETTINGS_INVALID', `mailbox ${r.url}: settings: ${settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return { transportId: Number(r.transport_id), supplierId: r.supplier_id, url: r.url, credentials: r.credentials, settings: settings.data, failures: r.failures }
}

/** The URL as kept: no password in it, ever. */
export function normalizeMailboxUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new DomainError('TRANSPORT_URL_INVALID', `not a URL: ${JSON.stringify(text)} (expected imaps://user@host:993/INBOX)`)
  }
  if (url.protocol !== 'imaps:' && url.protocol !== 'imap:') throw new DomainError('TRANSPORT_URL_INVALID', `${text}: expected imaps:// or imap://`)
  if (!url.username || !url.hostname) throw new DomainError('TRANSPORT_URL_INVALID', `${text}: the user and host are required (imaps://user@host:993/INBOX)`)
  if (url.password) throw new DomainError('TRANSPORT_URL_INVALID', `${text}: put the password on stdin (--password-stdin) or in WISMO_IMAP_PASSWORD, not in the URL`)
  return url
}

/** Adds or updates a mailbox (by its URL); the password is sealed with the signing secret. */
export async function saveMailbox(
  db: Queryable,
  input: { url: string; password: string | null; settings: Partial<ImapSettings>; supplierId?: string | null; secret: string; now: Date },
): Promise<{ transport: ImapTransport; created: boolean }> {
  const url = normalizeMailboxUrl(input.url).toString()
  const sealed = input.password === null ? null : sealCredentials({ password: input.password }, input.secret)
  const [row] = await db.query<Row & { created: boolean }>(
    `INSERT INTO supplier_transports (supplier_id, kind, url, credentials, settings, created_at, updated_at, next_poll_at)
     VALUES ($1, 'imap', $2, $3, $4, $5, $5, $5)
     ON CONFLICT (kind, url) DO UPDATE SET credentials = COALESCE(excluded.credentials, supplier_transports.credentials),
       settings = supplier_transports.settings || excluded.settings, supplier_id = excluded.supplier_id,
       status = 'active', stopped_reason = NULL, updated_at = excluded.updated_at, next_poll_at = excluded.next_poll_at, failures = 0
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [input.supplierId ?? null, url, sealed, JSON.stringify(input.settings), input.now],
  )
  return { transport: fromRow(row), created: row.created }
}

export async function listMailboxes(db: Queryable): Promise<(ImapTransport & { health: Record<string, unknown> })[]> {
  const rows = await db.query<Row & Record<string, unknown>>(
    `SELECT ${COLUMNS}, status, last_poll_at, last_success_at, last_file_at, last_error, last_error_at, next_poll_at
       FROM supplier_transports WHERE kind = 'imap' ORDER BY transport_id`,
  )
  return rows.map((r) => ({
    ...fromRow(r),
    health: { status: r.status, lastPollAt: r.last_poll_at, lastSuccessAt: r.last_success_at, lastFileAt: r.last_file_at, lastError: r.last_error, lastErrorAt: r.last_error_at, nextPollAt: r.next_poll_at },
  }))
}

/** How long a poller holds a mailbox: a poller that died gives it up after this. */
export const LEASE_SECONDS = 600

/**
 * Claims the mailboxes due at `now` (or every active one with `all`): their next poll is pushed a
 * lease ahead in the same statement, so two workers never poll one mailbox at once.
 */
export async function claimDueMailboxes(db: Queryable, now: Date, opts: { all?: boolean; limit?: number } = {}): Promise<ImapTransport[]> {
  const rows = await db.query<Row>(
    `UPDATE supplier_transports SET next_poll_at = $1::timestamptz + make_interval(secs => $2)
      WHERE transport_id IN (
        SELECT transport_id FROM supplier_transports
         WHERE kind = 'imap' AND status = 'active' AND ($3 OR next_poll_at IS NULL OR next_poll_at <= $1)
         ORDER BY next_poll_at NULLS FIRST, transport_id LIMIT $4 FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
    [now, LEASE_SECONDS, opts.all === true, opts.limit ?? 20],
  )
  return rows.map(fromRow)
}

/** A poll that went through: failures cleared, next poll one interval on. */
export async function recordPollSuccess(db: Queryable, t: ImapTransport, now: Date, tookFiles: boolean): Promise<void> {
  await db.query(
    `UPDATE supplier_transports SET last_poll_at = $2, last_success_at = $2, last_file_at = CASE WHEN $3 THEN $2 ELSE last_file_at END,
            failures = 0, last_error = NULL, next_poll_at = $2::timestamptz + make_interval(secs => $4), updated_at = $2
      WHERE transport_id = $1`,
    [t.transportId, now, tookFiles, t.settings.everySeconds],
  )
}

export async function recordPollFailure(db: Queryable, t: ImapTransport, now: Date, error: string): Promise<number> {
  const failures = t.failures + 1
  await db.query(
    `UPDATE supplier_transports SET last_poll_at = $2, failures = $3, last_error = $4, last_error_at = $2,
            next_poll_at = $2::timestamptz + make_interval(secs => $5), updated_at = $2
      WHERE transport_id = $1`,
    [t.transportId, now, failures, error, backoffSeconds(t.settings.everySeconds, failures)],
  )
  return failures
}

export interface PartKey {
  remoteName: string
  size: number
  sha256: string
}

/**
 * Takes one message part (or a whole held message) once. The row is claimed before the part is
 * ingested and gets the message id after: a part whose row has a message id was taken; one whose
 * row has none was left by a poll that stopped half-way, and is taken again (ingest dedupes by
 * content, so nothing is applied twice). Returns the message id and whether this call took it.
 */
export async function takeOnce(db: Db, transportId: number, key: PartKey, now: Date, take: () => Promise<number>): Promise<{ messageId: number; taken: boolean }> {
  await db.query(
    `INSERT INTO transport_files (transport_id, remote_name, size, sha256, fetched_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [transportId, key.remoteName, key.size, key.sha256, now],
  )
  const [row] = await db.query<{ message_id: number | null }>(
    `SELECT message_id FROM transport_files WHERE transport_id = $1 AND remote_name = $2 AND size = $3 AND sha256 = $4`,
    [transportId, key.remoteName, key.size, key.sha256],
  )
  if (row?.message_id != null) return { messageId: Number(row.message_id), taken: false }
  const messageId = await take()
  await db.query(
    `UPDATE transport_files SET message_id = $5 WHERE transport_id = $1 AND remote_name = $2 AND size = $3 AND sha256 = $4`,
    [transportId, key.remoteName, key.size, key.sha256, messageId],
  )
  return { messageId, taken: true }
}

/** The moment a message's parts were moved out of the folder (or flagged), for `wismo mailbox list`. */
export async function markArchived(db: Queryable, transportId: number, prefix: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE transport_files SET archived_at = $3 WHERE transport_id = $1 AND (remote_name = $2 OR starts_with(remote_name, $2 || '/')) AND archived_at IS NULL`,
    [transportId, prefix, now],
  )
}
