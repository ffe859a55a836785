/**
 * The carrier refresh job: asks the carrier API about parcels that have gone quiet. Webhooks are
 * the main way carrier news comes in; a missed or never-configured webhook would leave a parcel
 * "in transit" forever, so a shipment of an open line with nothing heard for `staleHours` (no
 * carrier event, or its ship date when it has none) is polled — at most once per `staleHours`.
 *
 * Each answer takes the path of every outside message (`ingestMessage`): stored raw first (kind
 * `carrier_events`, source `poll:<provider>`, the tracking number as its file name), then applied
 * with `applyCarrierEvents`. An answer identical to one already applied is a duplicate and
 * changes nothing; events already known are ignored by their natural key.
 */
import type { Db } from '../store/db.ts'
import { ingestMessage } from '../store/inbound.ts'
import { applyTrackedEvents } from '../carriers/tracker-status.ts'
import { CarrierResponseError, type CarrierApi, type TrackingResult } from '../carriers/carrier-api.ts'

export interface RefreshOptions {
  now: Date
  /** Quiet this long (hours) before a parcel is polled; also the least time between two polls of it. */
  staleHours: number
  /** Most tracking numbers asked about in one run (the rest wait for the next run, oldest first). */
  limit: number
  /** A number whose poll failed is asked again after this long, not a whole window later (default 60). */
  retryFailedAfterMinutes?: number
  /** Where a lost or unstored answer is told (the worker's log). */
  log?: (line: string) => void
}

export interface RefreshResult {
  /** Tracking numbers asked about (failures included). */
  polled: number
  /** Answers that brought at least one carrier event wismo did not have. */
  withNews: number
  /** Numbers the API did not know. */
  unknown: number
  /** Numbers whose poll failed (API unavailable or refusing, an unreadable answer). */
  failed: number
  /**
   * Answers that arrived but could not be stored or applied because wismo or its database
   * failed — not the carrier's fault, so not in `failed`. Each is logged and in `problems`; an
   * answer stored before the failure is finished by the next sweep (`wismo feeds` shows it).
   */
  notStored: number
  /** One line per failure: the number and why (never a credential). */
  problems: string[]
}

const HOUR_MS = 3_600_000
const MAX_PROBLEMS = 20

interface Claimed {
  tracking_number: string
  carrier: string | null
}

/**
 * Claims up to `limit` quiet tracking numbers by stamping `last_polled_at = now` on all their
 * shipments in one statement; a second run at the same time finds them claimed (the UPDATE
 * re-checks the stamp under the row lock), so no number is asked twice.
 * One parcel can carry several lines (or be shared by split shipments): it is asked about once.
 * Delivered is final (line-parts.ts), so a delivered parcel is never polled.
 */
async function claimStale(db: Db, now: Date, staleHours: number, limit: number): Promise<Claimed[]> {
  const cutoff = new Date(now.getTime() - staleHours * HOUR_MS)
  return db.query<Claimed>(
    `WITH stale AS (
       SELECT s.tracking_number, max(s.carrier) AS carrier, max(s.last_polled_at) AS polled_at,
              greatest(max(s.shipped_at), (SELECT max(e.occurred_at) FROM carrier_events e WHERE e.tracking_number = s.tracking_number)) AS heard_at
         FROM shipments s JOIN order_lines l ON l.order_line_id = s.order_line_id
        WHERE NOT l.closed AND s.tracking_number IS NOT NULL
        GROUP BY s.tracking_number
       HAVING coalesce(max(s.last_polled_at), '-infinity'::timestamptz) < $1
          AND greatest(max(s.shipped_at), (SELECT max(e.occurred_at) FROM carrier_events e WHERE e.tracking_number = s.tracking_number)) < $1
          AND NOT EXISTS (SELECT 1 FROM carrier_events e WHERE e.tracking_number = s.tracking_number AND e.status = 'delivered')
          AND NOT EXISTS (SELECT 1 FROM tracker_status t WHERE t.tracking_number = s.tracking_number AND t.final)
        ORDER BY polled_at NULLS FIRST, heard_at, s.tracking_number
        LIMIT $2),
     claimed AS (
       UPDATE shipments s SET last_polled_at = $3 FROM stale
        WHERE s.tracking_number = stale.tracking_number AND coalesce(s.last_polled_at, '-infinity'::timestamptz) < $1
       RETURNING s.tracking_number)
     SELECT stale.tracking_number, stale.carrier FROM stale
      WHERE stale.tracking_number IN (SELECT tracking_number FROM claimed)
      ORDER BY stale.polled_at NULLS FIRST, stale.heard_at, stale.tracking_number`,
    [cutoff, limit, now],
  )
}

/** Stores one answer and applies it; true when it brought carrier events wismo did not have. */
async function storeAnswer(db: Db, provider: string, number: string, answer: TrackingResult, now: Date): Promise<boolean> {
  let fresh = 0
  const outcome = await ingestMessage(
    db,
    { kind: 'carrier_events', source: `poll:${provider}`, filename: number, body: answer.raw, receivedAt: now },
    async (tx, messageId) => {
      const summary = await applyTrackedEvents(tx, messageId, provider, answer, now)
      const [n] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM carrier_events WHERE message_id = $1', [messageId])
      fresh = n.n
      return summary.length > 0 ? summary : [`${number}: no tracking events yet`]
    },
  )
  if (outcome.outcome === 'quarantined') throw new AnswerRefused(`the answer was quarantined (message ${outcome.messageId}): ${outcome.reason}`)
  return outcome.outcome === 'applied' && fresh > 0
}

/** An answer stored and quarantined: the carrier's fault (counted as a failed number), nothing lost. */
class AnswerRefused extends Error {}

/** An unreadable answer is kept too, quarantined with its reason, like any bad outside message. */
async function quarantineAnswer(db: Db, provider: string, number: string, err: CarrierResponseError, now: Date): Promise<void> {
  await ingestMessage(
    db,
    { kind: 'carrier_events', source: `poll:${provider}`, filename: number, body: err.raw, receivedAt: now },
    async () => {
      throw err
    },
  )
}

/** Puts a failed number back in the queue after `retryMs` rather than a whole window later. */
async function scheduleRetry(db: Db, number: string, now: Date, staleHours: number, retryMs: number): Promise<void> {
  const stamp = new Date(now.getTime() - staleHours * HOUR_MS + Math.min(retryMs, staleHours * HOUR_MS))
  await db.query('UPDATE shipments SET last_polled_at = $2 WHERE tracking_number = $1', [number, stamp])
}

/**
 * One run of the refresh: claims the quiet parcels of open lines, asks the API about each (the
 * API's own rate limiter paces the calls), stores and applies the answers. One failing number
 * is counted and reported, and the run goes on.
 */
export async function refreshStaleShipments(db: Db, api: CarrierApi, opts: RefreshOptions): Promise<RefreshResult> {
  const { now, staleHours, limit } = opts
  const retryMs = (opts.retryFailedAfterMinutes ?? 60) * 60_000
  const result: RefreshResult = { polled: 0, withNews: 0, unknown: 0, failed: 0, notStored: 0, problems: [] }
  const problem = (line: string) => result.problems.length < MAX_PROBLEMS && result.problems.push(line)
  // wismo's own failure with an answer in hand: never counted as the number's fault, never silent.
  const lost = (number: string, what: string, err: unknown) => {
    result.notStored++
    const line = `${number}: ${what}: ${(err as Error).message}`
    problem(line)
    opts.log?.(`carrier.refresh: ${line}`)
  }
  for (const { tracking_number: number, carrier } of await claimStale(db, now, staleHours, limit)) {
    result.polled++
    let answer: TrackingResult | null
    try {
      answer = await api.fetchTracking(number, carrier)
    } catch (err) {
      result.failed++
      problem(`${number}: ${(err as Error).message}`)
      if (err instanceof CarrierResponseError) {
        await quarantineAnswer(db, api.provider, number, err, now).catch((e: unknown) => lost(number, 'the unreadable answer could not be stored', e))
      }
      await scheduleRetry(db, number, now, staleHours, retryMs).catch((e: unknown) => lost(number, 'the retry could not be scheduled', e))
      continue
    }
    if (!answer) {
      result.unknown++
      continue
    }
    try {
      if (await storeAnswer(db, api.provider, number, answer, now)) result.withNews++
    } catch (err) {
      if (err instanceof AnswerRefused) {
        result.failed++
        problem(`${number}: ${err.message}`)
      } else {
        lost(number, 'the answer could not be stored or applied', err)
      }
      await scheduleRetry(db, number, now, staleHours, retryMs).catch((e: unknown) => lost(number, 'the retry could not be scheduled', e))
    }
  }
  return result
}
