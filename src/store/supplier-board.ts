import type { Queryable } from './db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { supplierSilence } from '../domain/supplier-silence.ts'

export interface SupplierBoardRow {
  supplierId: string
  name: string
  feedCadenceHours: number
  lastFeedAt: string | null
  /** Business hours since the last feed: the store's zone, weekends and holidays skipped (null: never sent one). */
  silentBusinessHours: number | null
  /** No feed within its cadence of business hours, with a line older than that still in its hands (as the daily check decides). */
  silent: boolean
  openLines: number
  linesTotal: number
  /** Share of its lines that were ever backordered. */
  backorderRate: number | null
  /** Share of its closed lines shipped in full. */
  fillRate: number | null
  /** Share of its PO lines whose first answer came within its feed cadence of the order. */
  onTimeAckRate: number | null
  /** Days from a line's first backorder signal to its first shipment, on average. */
  avgBackorderDays: number | null
  /** How its files reach wismo besides the drop folder and the API: its SFTP server, with their health. */
  transports: TransportHealth[]
}

/** A transport as a rep needs to see it: is it working, when did it last look and last bring a file, what went wrong. */
export interface TransportHealth {
  transportId: number
  kind: 'sftp' | 'imap'
  /** Where (no secret is ever stored in it). */
  url: string
  status: 'active' | 'stopped'
  stoppedReason: string | null
  lastPollAt: string | null
  lastSuccessAt: string | null
  lastFileAt: string | null
  /** Polls failed in a row (0 when the last one worked). */
  failures: number
  lastError: string | null
  lastErrorAt: string | null
}

interface TransportRow {
  transport_id: number; supplier_id: string | null; kind: 'sftp' | 'imap'; url: string; status: 'active' | 'stopped'; stopped_reason: string | null
  last_poll_at: Date | null; last_success_at: Date | null; last_file_at: Date | null; failures: number; last_error: string | null; last_error_at: Date | null
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const health = (t: TransportRow): TransportHealth => ({
  transportId: t.transport_id, kind: t.kind, url: t.url, status: t.status, stoppedReason: t.stopped_reason,
  lastPollAt: iso(t.last_poll_at), lastSuccessAt: iso(t.last_success_at), lastFileAt: iso(t.last_file_at),
  failures: t.failures, lastError: t.last_error, lastErrorAt: iso(t.last_error_at),
})

/** Every transport: each supplier's own (keyed by supplier), and the mailboxes many suppliers write to (key null). */
export async function loadTransportHealth(db: Queryable): Promise<Map<string | null, TransportHealth[]>> {
  const rows = await db.query<TransportRow>(
    `SELECT transport_id, supplier_id, kind, url, status, stopped_reason, last_poll_at, last_success_at, last_file_at, failures, last_error, last_error_at
       FROM supplier_transports ORDER BY kind, transport_id`,
  )
  const out = new Map<string | null, TransportHealth[]>()
  for (const r of rows) out.set(r.supplier_id, [...(out.get(r.supplier_id) ?? []), health(r)])
  return out
}

/** One row per supplier for the console's supplier board; silence is counted on the store's business calendar. */
export async function loadSupplierBoard(db: Queryable, now: Date, cal: CalendarConfig): Promise<SupplierBoardRow[]> {
  const rows = await db.query<{
    supplier_id: string; name: string; feed_cadence_hours: number; last_feed: Date | null; open_lines: number; lines_total: number
    oldest_waiting: Date | null
    backordered: number; closed: number; filled: number; acked: number; acked_on_time: number; avg_bo_days: number | null
  }>(
    `WITH lines AS (
       SELECT l.order_line_id, l.supplier_id, l.qty, l.closed, l.state, o.placed_at
         FROM order_lines l JOIN orders o ON o.order_id = l.order_id WHERE l.supplier_id IS NOT NULL),
     sig AS (
       SELECT po.order_line_id, min(sg.received_at) AS first_at,
              min(sg.received_at) FILTER (WHERE sg.status = 'backordered') AS first_bo
         FROM supplier_signals sg JOIN po_lines po ON po.po_line_id = sg.po_line_id GROUP BY po.order_line_id),
     ship AS (
       SELECT order_line_id, min(shipped_at) AS first_ship, sum(qty) AS shipped_qty FROM shipments GROUP BY order_line_id)
     SELECT s.supplier_id, s.name, s.feed_cadence_hours,
            (SELECT max(m.received_at) FROM inbound_messages m
              WHERE m.supplier_id = s.supplier_id AND m.status IN ('applied', 'duplicate') AND m.received_at <= $1) AS last_feed,
            count(l.order_line_id) FILTER (WHERE NOT l.closed)::int AS open_lines,
            -- Lines still in the supplier's hands (not shipped, rejected or cancelled): what it owes word on.
            min(l.placed_at) FILTER (WHERE NOT l.closed AND l.state NOT IN ('in_transit', 'out_for_delivery', 'delivered', 'exception', 'cancelled', 'unavailable')) AS oldest_waiting,
            count(l.order_line_id)::int AS lines_total,
            count(sig.first_bo)::int AS backordered,
            count(l.order_line_id) FILTER (WHERE l.closed)::int AS closed,
            count(l.order_line_id) FILTER (WHERE l.closed AND coalesce(ship.shipped_qty, 0) >= l.qty)::int AS filled,
            count(sig.first_at)::int AS acked,
            count(sig.first_at) FILTER (WHERE sig.first_at <= l.placed_at + s.feed_cadence_hours * interval '1 hour')::int AS acked_on_time,
            avg(extract(epoch FROM ship.first_ship - sig.first_bo) / 86400) FILTER (WHERE ship.first_ship > sig.first_bo) AS avg_bo_days
       FROM suppliers s
       LEFT JOIN lines l ON l.supplier_id = s.supplier_id
       LEFT JOIN sig ON sig.order_line_id = l.order_line_id
       LEFT JOIN ship ON ship.order_line_id = l.order_line_id
      GROUP BY s.supplier_id, s.name, s.feed_cadence_hours
      ORDER BY s.name`,
    [now],
  )
  const rate = (n: number, d: number) => (d > 0 ? n / d : null)
  const transports = await loadTransportHealth(db)
  return rows.map((r) => {
    const silence = supplierSilence({ lastFeedAt: r.last_feed, oldestOpenPlacedAt: r.oldest_waiting, cadenceHours: r.feed_cadence_hours }, now, cal)
    return {
      supplierId: r.supplier_id, name: r.name, feedCadenceHours: r.feed_cadence_hours, lastFeedAt: r.last_feed ? r.last_feed.toISOString() : null,
      silentBusinessHours: silence.businessHours, silent: silence.silent,
      openLines: r.open_lines, linesTotal: r.lines_total, backorderRate: rate(r.backordered, r.lines_total), fillRate: rate(r.filled, r.closed),
      onTimeAckRate: rate(r.acked_on_time, r.lines_total), avgBackorderDays: r.avg_bo_days === null ? null : Number(r.avg_bo_days),
      transports: transports.get(r.supplier_id) ?? [],
    }
  })
}
