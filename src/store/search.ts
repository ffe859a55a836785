/**
 * The console's search box: every key the text can be (src/domain/search-query.ts) looked up by
 * its own index range — never a scan, so it answers as fast on 100,000 orders as on 100 (plans in
 * test/store/search.test.ts, timings in bench/search.ts).
 */
import type { Db, Queryable } from './db.ts'
import { isEmptySearch, parseSearch, prefixEnd, type SearchQuery } from '../domain/search-query.ts'
import { URGENCY, type LineState } from '../domain/types.ts'

export type SearchMatch = 'order_number' | 'phone' | 'email' | 'postal_code' | 'name'

export interface SearchHit {
  orderNumber: string
  placedAt: string
  customerName: string | null
  customerEmail: string | null
  customerPhone: string | null
  postalCode: string | null
  /** The most urgent state of its lines (as the sweep last stored them). */
  state: string
  matched: SearchMatch
  /** The order number itself was typed (any case, '#', spaces): the rep can go straight there. */
  exact: boolean
}

export interface SearchResult {
  query: SearchQuery
  hits: SearchHit[]
  /** More matched than are shown: the rep should type more. */
  more: boolean
}

// The normalized keys, exactly as the indexes of migrations 050 and 111 spell them.
export const ORDER_KEY = `upper(regexp_replace(o.order_number, '[^A-Za-z0-9]', '', 'g'))`
const POSTAL_KEY = `upper(regexp_replace(o.postal_code, '[^A-Za-z0-9]', '', 'g'))`

/** One index range per kind of key; each returns order ids, best first. $1/$2 a range or a key, the last parameter the limit. */
export const SEARCH_SQL: Record<'order' | 'digits' | 'phone' | 'email' | 'name' | 'postal', string> = {
  order: `SELECT o.order_id FROM orders o WHERE ${ORDER_KEY} ~>=~ $1 AND ${ORDER_KEY} ~<~ $2 ORDER BY ${ORDER_KEY} USING ~<~ LIMIT $3`,
  digits: `SELECT o.order_id FROM orders o WHERE regexp_replace(o.order_number, '\\D', '', 'g') = $1 ORDER BY o.order_id LIMIT $2`,
  // The customers first, materialized: joined directly, the planner walks every order newest first
  // hoping to meet the phone soon (450 ms on 100,000 orders, bench/search.ts).
  phone: `WITH c AS MATERIALIZED (SELECT customer_id FROM customers
             WHERE right(regexp_replace(phone, '\\D', '', 'g'), 10) = $1 AND phone IS NOT NULL)
          SELECT o.order_id FROM c JOIN orders o ON o.customer_id = c.customer_id
           ORDER BY o.placed_at DESC, o.order_id DESC LIMIT $2`,
  email: `WITH c AS (SELECT customer_id, row_number() OVER () AS n FROM (
             SELECT customer_id FROM customers WHERE lower(email) ~>=~ $1 AND lower(email) ~<~ $2 AND email IS NOT NULL
              ORDER BY lower(email) USING ~<~ LIMIT $3) x)
          SELECT o.order_id FROM c JOIN orders o ON o.customer_id = c.customer_id ORDER BY c.n, o.placed_at DESC, o.order_id DESC LIMIT $3`,
  // No LIMIT on the customers: with one the planner reads them in order hoping to stop early — a
  // scan of the whole table when no name matches. Materialized, the GIN index answers.
  name: `WITH c AS MATERIALIZED (SELECT customer_id FROM customers
             WHERE to_tsvector('simple'::regconfig, coalesce(name, '')) @@ to_tsquery('simple'::regconfig, $1))
         SELECT o.order_id FROM c CROSS JOIN LATERAL (
                  -- Each customer's orders by its index (a plain join hashes the whole orders table).
                  SELECT order_id, placed_at FROM orders WHERE customer_id = c.customer_id ORDER BY placed_at DESC LIMIT $2) o
          ORDER BY o.placed_at DESC, o.order_id DESC LIMIT $2`,
  postal: `SELECT o.order_id FROM orders o WHERE ${POSTAL_KEY} ~>=~ $1 AND ${POSTAL_KEY} ~<~ $2 AND o.postal_code IS NOT NULL
           ORDER BY ${POSTAL_KEY} USING ~<~, o.order_id LIMIT $3`,
}

type Branch = { match: SearchMatch; sql: string; values: unknown[] }

/** The statements a query runs, most telling match first (an order number beats a postal code that looks like it). */
export function searchBranches(q: SearchQuery, limit: number): Branch[] {
  const b: Branch[] = []
  if (q.orderKey) b.push({ match: 'order_number', sql: SEARCH_SQL.order, values: [q.orderKey, prefixEnd(q.orderKey), limit] })
  if (q.orderDigits) b.push({ match: 'order_number', sql: SEARCH_SQL.digits, values: [q.orderDigits, limit] })
  if (q.phoneKey) b.push({ match: 'phone', sql: SEARCH_SQL.phone, values: [q.phoneKey, limit] })
  if (q.emailPrefix) b.push({ match: 'email', sql: SEARCH_SQL.email, values: [q.emailPrefix, prefixEnd(q.emailPrefix), limit] })
  if (q.postalKey) b.push({ match: 'postal_code', sql: SEARCH_SQL.postal, values: [q.postalKey, prefixEnd(q.postalKey), limit] })
  if (q.nameQuery) b.push({ match: 'name', sql: SEARCH_SQL.name, values: [q.nameQuery, limit] })
  return b
}

/** Orders matching what the rep typed, at most `limit`, best first. */
export async function searchOrders(db: Db, raw: string, limit = 25): Promise<SearchResult> {
  const query = parseSearch(raw)
  if (isEmptySearch(query)) return { query, hits: [], more: false }
  const found = new Map<number, SearchMatch>()
  let more = false
  // Planned with their values every time: a cached generic plan cannot know a prefix range is
  // narrow and may scan (measured in bench/search.ts on PostgreSQL).
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL plan_cache_mode = force_custom_plan')
    for (const branch of searchBranches(query, limit + 1)) {
      const rows = await tx.query<{ order_id: number }>(branch.sql, branch.values)
      if (rows.length > limit) more = true
      for (const r of rows) if (!found.has(r.order_id)) found.set(r.order_id, branch.match)
    }
  })
  const ids = [...found.keys()].slice(0, limit)
  if (found.size > limit) more = true
  return { query, hits: await describe(db, ids, found, query), more }
}

async function describe(db: Queryable, ids: number[], found: Map<number, SearchMatch>, q: SearchQuery): Promise<SearchHit[]> {
  if (ids.length === 0) return []
  const rows = await db.query<{
    order_id: number; order_number: string; key: string; placed_at: Date; postal_code: string | null
    name: string | null; email: string | null; phone: string | null; states: string[] | null
  }>(
    `SELECT o.order_id, o.order_number, ${ORDER_KEY} AS key, o.placed_at, o.postal_code, c.name, c.email, c.phone,
            (SELECT array_agg(l.state) FROM order_lines l WHERE l.order_id = o.order_id) AS states
       FROM orders o JOIN customers c ON c.customer_id = o.customer_id
      WHERE o.order_id = ANY($1::bigint[])`,
    [ids],
  )
  const byId = new Map(rows.map((r) => [r.order_id, r]))
  return ids.flatMap((id) => {
    const r = byId.get(id)
    if (!r) return []
    return [{
      orderNumber: r.order_number, placedAt: r.placed_at.toISOString(), customerName: r.name, customerEmail: r.email,
      customerPhone: r.phone, postalCode: r.postal_code, state: orderState(r.states ?? []), matched: found.get(id)!,
      exact: q.orderKey !== null && r.key === q.orderKey,
    }]
  })
}

/** The order's state as DESIGN.md defines it: its most urgent line's; cancelled only when all are. */
function orderState(states: string[]): string {
  const live = states.filter((s) => s !== 'cancelled')
  if (live.length === 0) return states.length ? 'cancelled' : 'processing'
  return URGENCY.find((s) => live.includes(s as LineState)) ?? live[0]
}
