/**
 * Supplier transports in the store (migrations 143 and 146): the rows, their health, and the
 * claim that hands each due transport to one worker at a time.
 */
import type { Queryable } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'

export interface SftpSettings {
  /** Remote folder a fetched file is moved to; null leaves it where it is. */
  archiveDir?: string | null
  /** Remote folder wismo's 997/850/860 for the supplier are put in; null sends nothing. */
  outboundDir?: string | null
  /** Poll interval (default 15 minutes). */
  everySeconds?: number
  /** A file younger than this (by its remote mtime) is still being written (default 60). */
  settleSeconds?: number
}

export interface SupplierTransport {
  transportId: number
  supplierId: string | null
  kind: 'sftp' | 'imap'
  url: string
  credentials: string | null
  settings: SftpSettings
  hostKey: string | null
  status: 'active' | 'stopped'
  stoppedReason: string | null
  createdAt: Date
  lastPollAt: Date | null
  lastSuccessAt: Date | null
  lastFileAt: Date | null
  lastError: string | null
  lastErrorAt: Date | null
  failures: number
  nextPollAt: Date | null
}

export const DEFAULT_EVERY_SECONDS = 15 * 60
const MAX_BACKOFF_SECONDS = 3600

interface Row {
  transport_id: number; supplier_id: string | null; kind: 'sftp' | 'imap'; url: string; credentials: string | null
  settings: SftpSettings | string; host_key: string | null; status: 'active' | 'stopped'; stopped_reason: string | null
  created_at: Date; last_poll_at: Date | null; last_success_at: Date | null; last_file_at: Date | null
  last_error: string | null; last_error_at: Date | null; failures: number; next_poll_at: Date | null
}

function fromRow(r: Row): SupplierTransport {
  return {
    transportId: Number(r.transport_id), supplierId: r.supplier_id, kind: r.kind, url: r.url, credentials: r.credentials,
    settings: typeof r.settings === 'string' ? JSON.parse(r.settings) : r.settings,
    hostKey: r.host_key, status: r.status, stoppedReason: r.stopped_reason, createdAt: r.created_at,
    lastPollAt: r.last_poll_at, lastSuccessAt: r.last_success_at, lastFileAt: r.last_file_at,
    lastError: r.last_error, lastErrorAt: r.last_error_at, failures: r.failures, nextPollAt: r.next_poll_at,
  }
}

/** Sets (or replaces) a supplier's SFTP transport; a new URL forgets the pinned host key. */
export async function saveSftpTransport(
  db: Queryable,
  t: { supplierId: string; url: string; credentials: string | null; settings: SftpSettings; now: Date },
): Promise<{ transport: SupplierTransport; created: boolean }> {
  const known = await db.query('SELECT 1 FROM suppliers WHERE supplier_id = $1', [t.supplierId])
  if (known.length === 0) throw new DomainError('TRANSPORT_SUPPLIER_UNKNOWN', `unknown supplier "${t.supplierId}"`)
  const [row] = await db.query<Row & { created: boolean }>(
    `INSERT INTO supplier_transports (supplier_id, kind, url, credentials, settings, created_at, updated_at, next_poll_at)
     VALUES ($1, 'sftp', $2, $3, $4, $5, $5, $5)
     ON CONFLICT (supplier_id, kind) WHERE supplier_id IS NOT NULL DO UPDATE SET
       url = excluded.url,
       credentials = coalesce(excluded.credentials, supplier_transports.credentials),
       settings = excluded.settings,
       host_key = CASE WHEN supplier_transports.url = excluded.url THEN supplier_transports.host_key END,
       updated_at = excluded.updated_at, next_poll_at = excluded.next_poll_at, failures = 0
     RETURNING *, (xmax = 0) AS created`,
    [t.supplierId, t.url, t.credentials, JSON.stringify(t.settings), t.now],
  )
  return { transport: fromRow(row), created: row.created }
}

export async function listTransports(db: Queryable, kind = 'sftp'): Promise<SupplierTransport[]> {
  const rows = await db.query<Row>('SELECT * FROM supplier_transports WHERE kind = $1 ORDER BY supplier_id, transport_id', [kind])
  return rows.map(fromRow)
}

export async function findSftpTransport(db: Queryable, supplierId: string): Promise<SupplierTransport> {
  const [row] = await db.query<Row>(`SELECT * FROM supplier_transports WHERE kind = 'sftp' AND supplier_id = $1`, [supplierId])
  if (!row) throw new DomainError('TRANSPORT_UNKNOWN', `supplier "${supplierId}" has no SFTP transport: wismo transport set ${supplierId} sftp://…`)
  return fromRow(row)
}

/**
 * Hands out due active transports, each to one caller: the claim moves next_poll_at a lease
 * ahead, so another worker skips it until the poll records its own next time (or the lease ends,
 * when a worker died mid-poll).
 */
export async function claimDueTransports(db: Queryable, now: Date, leaseSeconds: number, limit = 20): Promise<SupplierTransport[]> {
  const rows = await db.query<Row>(
    `UPDATE supplier_transports SET next_poll_at = $2
      WHERE transport_id IN (
        SELECT transport_id FROM supplier_transports
         WHERE kind = 'sftp' AND status = 'active' AND (next_poll_at IS NULL OR next_poll_at <= $1)
         ORDER BY next_poll_at NULLS FIRST LIMIT $3 FOR UPDATE SKIP LOCKED)
        AND (next_poll_at IS NULL OR next_poll_at <= $1)
      RETURNING *`,
    [now, new Date(now.getTime() + leaseSeconds * 1000), limit],
  )
  return rows.map(fromRow)
}

export function everySeconds(t: SupplierTransport): number {
  return t.settings.everySeconds ?? DEFAULT_EVERY_SECONDS
}

/** The wait after `failures` failed polls in a row: the interval doubled each time, at most an hour. */
export function backoffSeconds(every: number, failures: number): number {
  return Math.min(every * 2 ** failures, Math.max(every, MAX_BACKOFF_SECONDS))
}

export async function recordPollSuccess(db: Queryable, t: SupplierTransport, now: Date, fetched: number): Promise<void> {
  await db.query(
    `UPDATE supplier_transports SET last_poll_at = $2, last_success_at = $2, failures = 0, next_poll_at = $3,
            last_file_at = CASE WHEN $4::int > 0 THEN $2 ELSE last_file_at END
      WHERE transport_id = $1`,
    [t.transportId, now, new Date(now.getTime() + everySeconds(t) * 1000), fetched],
  )
}

export async function recordPollFailure(db: Queryable, t: SupplierTransport, now: Date, error: string, fetched: number): Promise<void> {
  const [{ failures }] = await db.query<{ failures: number }>('SELECT failures FROM supplier_transports WHERE transport_id = $1', [t.transportId])
  await db.query(
    `UPDATE supplier_transports SET last_poll_at = $2, last_error = $3, last_error_at = $2, failures = failures + 1, next_poll_at = $4,
            last_file_at = CASE WHEN $5::int > 0 THEN $2 ELSE last_file_at END
      WHERE transport_id = $1`,
    [t.transportId, now, error.slice(0, 1000), new Date(now.getTime() + backoffSeconds(everySeconds(t), failures) * 1000), fetched],
  )
}

/** Pins the host key seen on first use; false when another key was pinned meanwhile. */
export async function pinHostKey(db: Queryable, transportId: number, fingerprint: string): Promise<boolean> {
  const rows = await db.query(
    'UPDATE supplier_transports SET host_key = $2 WHERE transport_id = $1 AND (host_key IS NULL OR host_key = $2) RETURNING 1',
    [transportId, fingerprint],
  )
  return rows.length > 0
}

export async function stopTransport(db: Queryable, transportId: number, reason: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE supplier_transports SET status = 'stopped', stopped_reason = $2, updated_at = $3, last_poll_at = $3,
            last_error = $2, last_error_at = $3, next_poll_at = NULL WHERE transport_id = $1`,
    [transportId, reason, now],
  )
}

/** After a person checked the server's new key: forget the pinned one (the next poll pins it) and poll again. */
export async function trustTransport(db: Queryable, transportId: number, now: Date): Promise<void> {
  await db.query(
    `UPDATE supplier_transports SET host_key = NULL, status = 'active', stopped_reason = NULL, failures = 0,
            next_poll_at = $2, updated_at = $2 WHERE transport_id = $1`,
    [transportId, now],
  )
}
