/**
 * Keeping each parcel's tracker view (table `tracker_status`): the aggregator's reconciled
 * status, newest by the tracker's own `updated_at`. A view older than (or as old as) the one
 * kept is stale and changes nothing; a delivered or returned view is replaced only by a later
 * view of the same provider's tracker, so another source's late scan cannot reopen the story.
 */
import type { Queryable } from '../store/db.ts'
import type { CarrierEvent } from '../domain/types.ts'
import { applyCarrierEvents } from './carrier-events.ts'
import type { TrackerUpdate } from './webhooks/common.ts'

export type TrackerOutcome =
  | { outcome: 'recorded'; line: string }
  | { outcome: 'stale'; line: string }

/** Records a tracker view unless a newer (or final) one is kept; says which, for the message's summary. */
export async function recordTrackerView(
  tx: Queryable,
  messageId: number,
  provider: string,
  view: TrackerUpdate,
  receivedAt: Date,
): Promise<TrackerOutcome> {
  const updatedAt = view.updatedAt ?? receivedAt
  const rows = await tx.query<{ tracking_number: string }>(
    `INSERT INTO tracker_status AS t (tracking_number, provider, status, raw_status, final, updated_at, message_id, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tracking_number) DO UPDATE
        SET provider = excluded.provider, status = excluded.status, raw_status = excluded.raw_status, final = excluded.final,
            updated_at = excluded.updated_at, message_id = excluded.message_id, recorded_at = excluded.recorded_at
      WHERE t.updated_at < excluded.updated_at AND (NOT t.final OR t.provider = excluded.provider)
     RETURNING tracking_number`,
    [view.trackingNumber, provider, view.status, view.rawStatus, view.final, updatedAt, messageId, receivedAt],
  )
  const what = `${view.trackingNumber}: ${provider} tracker says ${view.rawStatus} (updated ${updatedAt.toISOString()})`
  if (rows.length > 0) return { outcome: 'recorded', line: `${what} — the parcel's state` }
  const [kept] = await tx.query<{ provider: string; raw_status: string; updated_at: Date; final: boolean }>(
    'SELECT provider, raw_status, updated_at, final FROM tracker_status WHERE tracking_number = $1',
    [view.trackingNumber],
  )
  const why = kept.updated_at >= updatedAt
    ? `stale: the ${kept.provider} tracker said ${kept.raw_status} at ${kept.updated_at.toISOString()}`
    : `the ${kept.provider} tracker's ${kept.raw_status} is final`
  return { outcome: 'stale', line: `${what} — ${why}; status not applied (its scans are kept as history)` }
}

/**
 * Applies what an aggregator sent: its scans (history, by their natural key) and its tracker
 * view (the parcel's state, unless stale). Returns the summary lines for the message.
 */
export async function applyTrackedEvents(
  tx: Queryable,
  messageId: number,
  provider: string,
  sent: { events: CarrierEvent[]; tracker?: TrackerUpdate },
  receivedAt: Date,
): Promise<string[]> {
  const lines = await applyCarrierEvents(tx, messageId, sent.events, provider)
  if (!sent.tracker) return lines
  const view = await recordTrackerView(tx, messageId, provider, sent.tracker, receivedAt)
  if (view.outcome === 'recorded') await markTrackerLines(tx, sent.tracker.trackingNumber)
  return [...lines, view.line]
}

/** Marks the lines shipped under `number` for the next sweep (their parcel's state changed). */
async function markTrackerLines(tx: Queryable, number: string): Promise<void> {
  await tx.query(
    `UPDATE order_lines SET dirty = true
      WHERE order_line_id IN (SELECT order_line_id FROM shipments WHERE tracking_number = $1)`,
    [number],
  )
}
