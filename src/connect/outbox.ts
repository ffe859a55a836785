/**
 * What goes back to the shop (DESIGN.md "Store platforms"): a fulfillment hold while a line is
 * backordered or unavailable, released when it is not; a fulfillment with tracking for each
 * parcel; a cancellation (refunded there with `--refunds platform`) for units wismo cancelled;
 * the link to the order's wismo page.
 *
 * Planning compares what is with what was asked, in SQL, and writes one `platform_calls` row per
 * thing to ask under a key naming it (`hold:<line>:<n>`, `fulfill:<shipment>`, …): however often
 * or wherever it runs, a thing is asked once. Pushing takes due calls under a lease, asks the
 * platform (each call idempotent there too: src/connect/platform.ts), and records the answer; a
 * failure is retried with backoff, and one that keeps failing — or is refused — becomes a rep
 * task, never a silent loss. A revoked connection stops pushing until it is connected again.
 */
import type { Db, Queryable } from '../store/db.ts'
import { openTask } from '../store/tasks.ts'
import { trackingUrl } from '../carriers/carriers.ts'
import { markRevoked, noteError, type Connection } from './connections.ts'
import { PlatformCallError, type PlatformClient, type PlatformLineRef, type Tracking, type HoldReason } from './platform.ts'

/** Tries before a failing call is given up (with a rep task): about a day of backoff. */
export const MAX_CALL_ATTEMPTS = 10
/** A call taken but not answered (the process stopped) is taken again after this. */
const LEASE_SECONDS = 300

const backoffSeconds = (attempts: number) => Math.min(3600, 15 * 2 ** Math.max(0, attempts - 1))

export interface PlanResult {
  links: number
  holds: number
  releases: number
  fulfillments: number
  cancels: number
}

/** Plans every call the active connections' orders now need. */
export async function planPlatformCalls(db: Db | Queryable, opts: { now: Date; publicUrl: string }): Promise<PlanResult> {
  const run = async (tx: Queryable): Promise<PlanResult> => {
    const count = async (sql: string, values: unknown[]) => (await tx.query(sql, values)).length
    const active = `SELECT connection_id FROM platform_connections WHERE status = 'active'`
    const links = await count(
      `INSERT INTO platform_calls (connection_id, order_id, action, call_key, payload, next_at, created_at)
       SELECT p.connection_id, p.order_id, 'link', 'link:' || p.connection_id || ':' || p.order_id,
              jsonb_build_object('platformOrderId', p.platform_order_id, 'url', $2::text || '/orders/' || o.order_number), $1, $1
         FROM platform_orders p JOIN orders o ON o.order_id = p.order_id
        WHERE p.connection_id IN (${active})
          AND NOT EXISTS (SELECT 1 FROM platform_calls k WHERE k.call_key = 'link:' || p.connection_id || ':' || p.order_id)
       ON CONFLICT (call_key) DO NOTHING RETURNING call_id`,
      [opts.now, opts.publicUrl],
    )
    const open = `(l.qty - coalesce(l.cancelled_qty, 0) - (SELECT coalesce(sum(s.qty), 0) FROM shipments s WHERE s.order_line_id = l.order_line_id))`
    const holds = await count(
      `WITH h AS (
         UPDATE platform_lines p SET held = true, hold_seq = p.hold_seq + 1
           FROM order_lines l
          WHERE l.order_line_id = p.order_line_id AND NOT p.held AND NOT l.closed AND l.state IN ('backordered', 'unavailable')
            AND p.connection_id IN (${active}) AND ${open} > 0
          RETURNING p.connection_id, p.order_line_id, p.platform_order_id, p.platform_line_id, p.hold_seq, l.order_id, l.state,
                    l.state_eta_latest, ${open}::int AS open)
       INSERT INTO platform_calls (connection_id, order_id, order_line_id, action, call_key, payload, next_at, created_at)
       SELECT connection_id, order_id, order_line_id, 'hold', 'hold:' || order_line_id || ':' || hold_seq,
              jsonb_build_object('platformOrderId', platform_order_id, 'lines', jsonb_build_array(jsonb_build_object('platformLineId', platform_line_id, 'qty', open)),
                                 'reason', CASE WHEN state = 'backordered' AND state_eta_latest IS NOT NULL THEN 'INVENTORY_OUT_OF_STOCK' ELSE 'UNKNOWN_DELIVERY_DATE' END,
                                 'state', state, 'etaLatest', state_eta_latest),
              $1, $1
         FROM h
       ON CONFLICT (call_key) DO NOTHING RETURNING call_id`,
      [opts.now],
    )
    const releases = await count(
      `WITH r AS (
         UPDATE platform_lines p SET held = false
           FROM order_lines l
          WHERE l.order_line_id = p.order_line_id AND p.held AND (l.closed OR l.state NOT IN ('backordered', 'unavailable'))
            AND p.connection_id IN (${active})
          RETURNING p.connection_id, p.order_line_id, p.platform_order_id, p.hold_seq, l.order_id, l.state)
       INSERT INTO platform_calls (connection_id, order_id, order_line_id, action, call_key, payload, next_at, created_at)
       SELECT connection_id, order_id, order_line_id, 'release', 'release:' || order_line_id || ':' || hold_seq,
              jsonb_build_object('platformOrderId', platform_order_id, 'holdCall', 'hold:' || order_line_id || ':' || hold_seq, 'state', state),
              $1, $1
         FROM r
       ON CONFLICT (call_key) DO NOTHING RETURNING call_id`,
      [opts.now],
    )
    const fulfillments = await count(
      `INSERT INTO platform_calls (connection_id, order_id, order_line_id, action, call_key, payload, next_at, created_at)
       SELECT p.connection_id, l.order_id, l.order_line_id, 'fulfill', 'fulfill:' || s.shipment_id,
              jsonb_build_object('platformOrderId', p.platform_order_id, 'lines', jsonb_build_array(jsonb_build_object('platformLineId', p.platform_line_id, 'qty', s.qty)),
                                 'carrier', s.carrier, 'number', s.tracking_number),
              $1, $1
         FROM shipments s JOIN platform_lines p ON p.order_line_id = s.order_line_id JOIN order_lines l ON l.order_line_id = s.order_line_id
        WHERE p.connection_id IN (${active})
          AND NOT EXISTS (SELECT 1 FROM platform_calls k WHERE k.call_key = 'fulfill:' || s.shipment_id)
       ON CONFLICT (call_key) DO NOTHING RETURNING call_id`,
      [opts.now],
    )
    const cancels = await count(
      `INSERT INTO platform_calls (connection_id, order_id, order_line_id, action, call_key, payload, next_at, created_at)
       SELECT p.connection_id, l.order_id, l.order_line_id, 'cancel', 'cancel:' || l.order_line_id || ':' || l.cancelled_qty,
              jsonb_build_object('platformOrderId', p.platform_order_id,
                                 'lines', jsonb_build_array(jsonb_build_object('platformLineId', p.platform_line_id, 'qty', l.cancelled_qty - p.platform_removed)),
                                 'upTo', l.cancelled_qty, 'reason', l.cancel_reason,
                                 'amount', (SELECT coalesce(sum(f.amount), 0) FROM refunds f WHERE f.order_line_id = l.order_line_id AND f.platform_refunded_at IS NULL)),
              $1, $1
         FROM platform_lines p JOIN order_lines l ON l.order_line_id = p.order_line_id
        WHERE p.connection_id IN (${active}) AND coalesce(l.cancelled_qty, 0) > p.platform_removed
       ON CONFLICT (call_key) DO NOTHING RETURNING call_id`,
      [opts.now],
    )
    return { links, holds, releases, fulfillments, cancels }
  }
  return 'transaction' in db ? db.transaction(run) : run(db)
}

interface CallRow {
  call_id: number
  connection_id: number
  order_id: number | null
  order_line_id: number | null
  action: 'hold' | 'release' | 'fulfill' | 'cancel' | 'link'
  call_key: string
  payload: Record<string, unknown>
  attempts: number
}

export interface PushResult {
  done: number
  retried: number
  failed: number
  waiting: number
}

export interface PushOptions {
  now: () => Date
  /** The connection's client; null when it cannot be made (credentials unreadable): its calls wait. */
  clientFor: (c: Connection) => PlatformClient | null
  connections: Map<number, Connection>
  limit?: number
  log?: (s: string) => void
}

/** Asks the platforms what is due, oldest first (a hold before its release, a release before a fulfillment). */
export async function pushPlatformCalls(db: Db, opts: PushOptions): Promise<PushResult> {
  const result: PushResult = { done: 0, retried: 0, failed: 0, waiting: 0 }
  const now = opts.now()
  // Taken under a lease: another process sees them again only if this one stops before answering.
  const calls = await db.transaction((tx) =>
    tx.query<CallRow>(
      `UPDATE platform_calls k SET next_at = $2, attempts = k.attempts + 1
        WHERE call_id IN (SELECT call_id FROM platform_calls c
                           WHERE c.status = 'due' AND c.next_at <= $1
                             AND c.connection_id IN (SELECT connection_id FROM platform_connections WHERE status = 'active')
                           ORDER BY c.call_id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING call_id, connection_id, order_id, order_line_id, action, call_key, payload, attempts`,
      [now, new Date(now.getTime() + LEASE_SECONDS * 1000), opts.limit ?? 200],
    ),
  )
  calls.sort((a, b) => a.call_id - b.call_id)
  const stopped = new Set<number>()
  for (const call of calls) {
    const conn = opts.connections.get(call.connection_id)
    const client = conn ? opts.clientFor(conn) : null
    if (!conn || !client || stopped.has(call.connection_id)) {
      await db.query('UPDATE platform_calls SET next_at = $2, attempts = attempts - 1 WHERE call_id = $1', [call.call_id, now])
      result.waiting++
      continue
    }
    try {
      const outcome = await perform(db, client, call)
      if (outcome === 'wait') {
        // Its hold is not answered yet: asked again next round, without counting a try.
        await db.query('UPDATE platform_calls SET next_at = $2, attempts = attempts - 1 WHERE call_id = $1', [call.call_id, new Date(now.getTime() + 15_000)])
        result.waiting++
        continue
      }
      await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE platform_calls SET status = $2, done_at = $3, result = $4, last_error = NULL WHERE call_id = $1`,
          [call.call_id, outcome.skipped ? 'skipped' : 'done', opts.now(), JSON.stringify(outcome.result)],
        )
        await afterDone(tx, call, outcome.result, opts.now())
      })
      result.done++
    } catch (err) {
      const e = err instanceof PlatformCallError ? err : new PlatformCallError((err as Error).message, { retryable: true, cause: err })
      const at = opts.now()
      await noteError(db, call.connection_id, `${describe(call)}: ${e.message}`, at)
      if (e.revoked) {
        stopped.add(call.connection_id)
        await markRevoked(db, call.connection_id, 'revoked', e.message, at)
        await openTask(db, {
          kind: 'platform_revoked', dedupeKey: `platform_revoked:${call.connection_id}`, now: at,
          title: `${conn.platform} shop ${conn.shop} refused wismo's credentials`,
          detail: `${e.message}. Nothing goes back to the shop (holds, fulfillments, cancellations wait) until it is connected again: wismo connect ${conn.platform} … (docs/${conn.platform}.md "When the token is revoked").`,
        })
        await db.query('UPDATE platform_calls SET next_at = $2, attempts = attempts - 1 WHERE call_id = $1', [call.call_id, at])
        result.waiting++
        continue
      }
      if (e.retryable && call.attempts < MAX_CALL_ATTEMPTS) {
        await db.query(`UPDATE platform_calls SET next_at = $2, last_error = $3 WHERE call_id = $1`, [call.call_id, new Date(at.getTime() + backoffSeconds(call.attempts) * 1000), e.message])
        result.retried++
        opts.log?.(`${conn.platform} ${conn.shop}: ${describe(call)} failed (try ${call.attempts}, retried later): ${e.message}`)
        continue
      }
      await db.transaction(async (tx) => {
        await tx.query(`UPDATE platform_calls SET status = 'failed', last_error = $2, done_at = $3 WHERE call_id = $1`, [call.call_id, e.message, at])
        await openTask(tx, {
          kind: 'platform_call_failed', dedupeKey: `platform_call_failed:${call.call_key}`, orderId: call.order_id, orderLineId: call.order_line_id, now: at,
          title: `${conn.platform} did not take: ${describe(call)}`,
          detail: `${e.message}${e.retryable ? ` (after ${call.attempts} tries)` : ''}. Do it by hand in the shop's admin; wismo will not ask again.`,
        })
      })
      result.failed++
      opts.log?.(`${conn.platform} ${conn.shop}: ${describe(call)} failed for good: ${e.message}`)
    }
  }
  return result
}

function describe(call: CallRow): string {
  const what: Record<CallRow['action'], string> = { hold: 'fulfillment hold', release: 'hold release', fulfill: 'fulfillment with tracking', cancel: 'cancellation', link: 'link to the wismo page' }
  return `${what[call.action]} (${call.call_key})`
}

type Performed = { result: Record<string, unknown>; skipped?: boolean } | 'wait'

async function perform(db: Queryable, client: PlatformClient, call: CallRow): Promise<Performed> {
  const p = call.payload as {
    platformOrderId: string; lines?: PlatformLineRef[]; reason?: HoldReason; state?: string; etaLatest?: string | null
    holdCall?: string; carrier?: string | null; number?: string; url?: string; upTo?: number; amount?: number; refund?: boolean
  }
  const key = call.call_key
  switch (call.action) {
    case 'link':
      await client.link({ key, platformOrderId: p.platformOrderId, url: p.url! })
      return { result: { url: p.url } }
    case 'hold': {
      const note = p.state === 'unavailable'
        ? 'wismo: the supplier cannot supply this item; the customer is being offered alternatives or a refund'
        : `wismo: backordered at the supplier${p.etaLatest ? `; expected by ${p.etaLatest}` : '; no date yet'}`
      const r = await client.hold({ key, platformOrderId: p.platformOrderId, lines: p.lines ?? [], reason: p.reason ?? 'UNKNOWN_DELIVERY_DATE', note })
      return r.holdId ? { result: { holdId: r.holdId } } : { result: { nothing: 'no unfulfilled units left to hold' }, skipped: true }
    }
    case 'release': {
      const [hold] = await db.query<{ status: string; result: { holdId?: string } | null }>('SELECT status, result FROM platform_calls WHERE call_key = $1', [p.holdCall])
      if (!hold || hold.status === 'failed' || hold.status === 'skipped' || !hold.result?.holdId) return { result: { nothing: 'no hold was placed' }, skipped: true }
      if (hold.status === 'due') return 'wait'
      await client.release({ key, platformOrderId: p.platformOrderId, holdId: hold.result.holdId, note: `wismo: ${p.state ?? 'no longer backordered'}` })
      return { result: { holdId: hold.result.holdId } }
    }
    case 'fulfill': {
      const tracking: Tracking = { carrier: p.carrier ?? null, number: p.number!, url: trackingUrl(p.carrier, p.number!) }
      const r = await client.fulfill({ key, platformOrderId: p.platformOrderId, lines: p.lines ?? [], tracking })
      return r.fulfillmentId ? { result: { fulfillmentId: r.fulfillmentId, tracking } } : { result: { nothing: 'nothing left to fulfil' }, skipped: true }
    }
    case 'cancel': {
      const [conn] = await db.query<{ refunds: string }>('SELECT refunds FROM platform_connections WHERE connection_id = $1', [call.connection_id])
      const refund = conn?.refunds === 'platform'
      const r = await client.cancel({
        key, platformOrderId: p.platformOrderId, lines: p.lines ?? [], wholeOrder: false, refund, amount: Number(p.amount ?? 0),
        note: `cancelled in wismo (${p.state ?? call.payload.reason ?? 'cancelled'})`,
      })
      return { result: { id: r.id, refunded: refund, upTo: p.upTo } }
    }
  }
}

/** What a call's answer changes in wismo. */
async function afterDone(tx: Queryable, call: CallRow, result: Record<string, unknown>, at: Date): Promise<void> {
  if (call.action !== 'cancel' || call.order_line_id === null) return
  await tx.query('UPDATE platform_lines SET platform_removed = greatest(platform_removed, $2) WHERE order_line_id = $1', [call.order_line_id, Number(result.upTo ?? 0)])
  if (result.refunded) {
    await tx.query(
      'UPDATE refunds SET platform_refund_id = $2, platform_refunded_at = $3 WHERE order_line_id = $1 AND platform_refunded_at IS NULL',
      [call.order_line_id, String(result.id ?? ''), at],
    )
  }
}
