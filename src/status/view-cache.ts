import { createHash } from 'node:crypto'
import type { Queryable } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { nextCheckAt } from '../domain/sweep-policy.ts'
import { orderNumberKey } from '../domain/order-number.ts'
import { OrderStatusSchema, presentCustomerView, type DerivedOrder } from './order-status.ts'

/**
 * Stored customer views. The answer to "where is my order?" changes only when something touches
 * the order (its version: signals, imports and catalog changes mark its lines dirty, see
 * view-stale.ts), when the calendar changes (holidays: the key), or when time alone changes a
 * line's state or ETA — the moment the sweep would next look at it (`valid_until`). Until then
 * it is served as stored; the sweep writes a fresh one for every order it re-derives.
 */
export interface OrderHead {
  order_id: number
  /** The number as stored (a lookup may have typed it in another case, or with '#'). */
  order_number: string
  version: number
  email: string | null
  postal_code: string | null
  view: string | null
  order_version: number | null
  view_key: string | null
  valid_until: Date | null
}

/** The order's head alone (reps' and tools' reads). */
const HEAD_COLUMNS = 'o.order_id, o.order_number, o.version, c.email, o.postal_code, v.view, v.order_version, v.view_key, v.valid_until'
const HEAD_FROM = 'orders o JOIN customers c USING (customer_id) LEFT JOIN order_views v ON v.order_id = o.order_id'
// $1 is orderNumberKey(typed): matched on the index orders_number_key (migration 120).
const BY_KEY = 'WHERE upper(o.order_number) = $1 ORDER BY o.order_number LIMIT 1'
export const HEAD_SQL = `SELECT ${HEAD_COLUMNS} FROM ${HEAD_FROM} ${BY_KEY}`

/** The order's proof fields and its stored view, in one indexed read. */
export async function readOrderHead(db: Queryable, orderNumber: string): Promise<OrderHead | null> {
  const [row] = await db.query<OrderHead>(HEAD_SQL, [orderNumber])
  return row ?? null
}

/**
 * The customer lookup's one statement: the head with the order number's lock-out and the asking
 * client's (src/http/lookup-guard.ts; $4 null for none); exported for the benchmark's plan check.
 */
export const GUARDED_HEAD_SQL = `SELECT ${HEAD_COLUMNS}, f.locked_until, fc.locked_until AS client_locked_until FROM ${HEAD_FROM}
   LEFT JOIN lookup_failures f ON f.scope = 'order' AND f.key_hash = $2 AND f.locked_until > $3
   LEFT JOIN lookup_failures fc ON fc.scope = 'client' AND fc.key_hash = $4 AND fc.locked_until > $3
  ${BY_KEY}`

export type GuardedOrderHead = OrderHead & { locked_until: Date | null; client_locked_until: Date | null }

/**
 * A customer's lookup reads the order, its stored answer and whether its number or the client is
 * locked out in one statement: the answered lookup costs one round trip, like the bare read it is
 * measured by.
 */
export async function readGuardedOrderHead(db: Queryable, orderNumber: string, keyHash: string, now: Date, clientHash: string | null = null): Promise<GuardedOrderHead | null> {
  // `now` as ISO text: the same instant, without pg's local-time formatting of a Date on every lookup.
  const [row] = await db.query<GuardedOrderHead>(GUARDED_HEAD_SQL, [orderNumberKey(orderNumber), keyHash, now.toISOString(), clientHash])
  return row ?? null
}

const fingerprints = new WeakMap<CalendarConfig, string>()
/** The key a view is valid under: the calendar it was derived with (holidays change ETAs). */
export function viewKey(cal: CalendarConfig): string {
  let f = fingerprints.get(cal)
  if (!f) {
    f = `cal:${createHash('sha1').update(JSON.stringify(cal)).digest('hex').slice(0, 12)}`
    fingerprints.set(cal, f)
  }
  return f
}

/**
 * Until when time alone leaves the view as derived at `now`: the earliest moment the sweep would
 * look at one of its lines again (nextCheckAt: tomorrow for most open states, the day after the
 * promise for a line still processing). Null when every line is final: valid until a change.
 */
export function viewValidUntil(d: DerivedOrder, now: Date, calendar: CalendarConfig): Date | null {
  let until: Date | null = null
  for (const l of d.lines) {
    const at = nextCheckAt(l.status, { now, calendar })
    if (at && (!until || at < until)) until = at
  }
  return until
}

/** The stored view when still valid at `now`, else null. */
export function validView(head: OrderHead, cal: CalendarConfig, now: Date): string | null {
  if (head.view === null || head.order_version !== head.version || head.view_key !== viewKey(cal)) return null
  return head.valid_until === null || now < head.valid_until ? head.view : null
}

/** The row to store for an order derived at `now` from its state at `version`: the JSON checked as served. */
export function customerViewRow(d: DerivedOrder, version: number, now: Date, calendar: CalendarConfig): ViewRow {
  return {
    orderId: d.snapshot.orderId,
    version,
    key: viewKey(calendar),
    json: JSON.stringify(OrderStatusSchema.parse(presentCustomerView(d))),
    validUntil: viewValidUntil(d, now, calendar),
  }
}

/** What storeViews writes: one order's view as derived from its state at `version`. */
export interface ViewRow {
  orderId: number
  version: number
  key: string
  json: string
  validUntil: Date | null
}

/**
 * Stores freshly derived views in one statement, each unless a view of a later version is
 * already there (a lookup and the sweep may derive the same order at once).
 */
export async function storeViews(db: Queryable, rows: ViewRow[], now: Date): Promise<void> {
  if (rows.length === 0) return
  // The rows as one JSON parameter: a text[] of views made the driver escape every quote of every
  // view in JavaScript (a tenth of a full sweep's time); JSON.stringify does it natively.
  await db.query(
    `INSERT INTO order_views (order_id, order_version, view_key, view, valid_until, computed_at)
     SELECT r.order_id, r.version, r.key, r.json, r.valid_until, $2::timestamptz
       FROM json_to_recordset($1::json) AS r(order_id bigint, version bigint, key text, json text, valid_until timestamptz)
     ON CONFLICT (order_id) DO UPDATE SET order_version = excluded.order_version, view_key = excluded.view_key,
       view = excluded.view, valid_until = excluded.valid_until, computed_at = excluded.computed_at
     WHERE order_views.order_version <= excluded.order_version`,
    [JSON.stringify(rows.map((r) => ({ order_id: r.orderId, version: r.version, key: r.key, json: r.json, valid_until: r.validUntil }))), now],
  )
}

// Views stored since order_views was last analyzed, per database handle.
const growth = new WeakMap<Queryable, { stored: number; known: number; running: boolean }>()

/**
 * Counts views stored and re-analyzes order_views once they outgrow what its statistics know
 * (200, and a fifth more than the last count). Why: the lookup is a prepared statement, and one
 * planned while the table was (nearly) empty keeps a generic plan that scans it — measured at
 * 0.06× the bare route with 20,000 views — until an ANALYZE makes every session plan it again.
 * PGlite has no autovacuum; a server's does the same, later. Never throws: it is housekeeping.
 */
export async function noteViewsStored(db: Queryable, n: number): Promise<void> {
  let g = growth.get(db)
  if (!g) growth.set(db, (g = { stored: 0, known: -1, running: false }))
  g.stored += n
  if (g.running || g.stored < 200) return
  g.running = true
  try {
    if (g.known < 0) g.known = await analyzedRows(db)
    if (g.stored >= 0.2 * g.known) {
      await db.query('ANALYZE order_views')
      g.known = await analyzedRows(db)
    }
    g.stored = 0
  } catch {
    // a failed ANALYZE only leaves a slower plan in place; the next count tries again
  } finally {
    g.running = false
  }
}

async function analyzedRows(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'order_views'::regclass`)
  return row?.n ?? 0
}
