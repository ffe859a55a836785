import { createHash } from 'node:crypto'
import type { Queryable } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { FINAL_STATES } from '../domain/sweep-policy.ts'
import type { DerivedOrder } from './order-status.ts'

/**
 * Stored customer views. The answer to "where is my order?" changes only when a signal touches
 * the order (its version), the catalog changes (the epoch), the calendar changes, or the day
 * turns; everything else about it can be served as stored.
 */
export interface OrderHead {
  order_id: number
  version: number
  email: string | null
  postal_code: string | null
  view: string | null
  order_version: number | null
  view_key: string | null
  epoch: number
}

/** The order's proof fields and its stored view, in one indexed read. */
export async function readOrderHead(db: Queryable, orderNumber: string): Promise<OrderHead | null> {
  const [row] = await db.query<OrderHead>(
    `SELECT o.order_id, o.version, c.email, o.postal_code, v.view, v.order_version, v.view_key, (SELECT epoch FROM view_epoch) AS epoch
       FROM orders o JOIN customers c USING (customer_id) LEFT JOIN order_views v ON v.order_id = o.order_id
      WHERE o.order_number = $1`,
    [orderNumber],
  )
  return row ?? null
}

const fingerprints = new WeakMap<CalendarConfig, string>()
function calendarFingerprint(cal: CalendarConfig): string {
  let f = fingerprints.get(cal)
  if (!f) {
    f = createHash('sha1').update(JSON.stringify(cal)).digest('hex').slice(0, 12)
    fingerprints.set(cal, f)
  }
  return f
}

/** The key a view is valid under; an order whose lines are all final does not change with the day. */
export function viewKey(epoch: number, cal: CalendarConfig, day: string, stable: boolean): string {
  return `${epoch}:${calendarFingerprint(cal)}:${stable ? 'stable' : day}`
}

export function isStable(d: DerivedOrder): boolean {
  return d.lines.every((l) => FINAL_STATES.includes(l.status.state))
}

/** The stored view when still valid, else null. */
export function validView(head: OrderHead, cal: CalendarConfig, day: string): string | null {
  if (head.view === null || head.order_version !== head.version) return null
  const stableKey = viewKey(head.epoch, cal, day, true)
  return head.view_key === stableKey || head.view_key === viewKey(head.epoch, cal, day, false) ? head.view : null
}

/** Stores a freshly derived view, unless a newer one (from a later version) is already there. */
export async function storeView(db: Queryable, head: OrderHead, key: string, json: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO order_views (order_id, order_version, view_key, view, computed_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (order_id) DO UPDATE SET order_version = excluded.order_version, view_key = excluded.view_key,
       view = excluded.view, computed_at = excluded.computed_at
     WHERE order_views.order_version <= excluded.order_version`,
    [head.order_id, head.version, key, json, now],
  )
}

/** Invalidates every stored view at once (catalog imports, inventory advice): they are re-derived on demand. */
export async function bumpViewEpoch(db: Queryable): Promise<void> {
  await db.query('UPDATE view_epoch SET epoch = epoch + 1')
}
