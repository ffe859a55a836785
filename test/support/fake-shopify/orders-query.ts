/**
 * QueryRoot.orders: Shopify's search syntax for the terms a backfill uses
 * (`updated_at:>='2026-01-01T00:00:00Z'`, also >, <=, <, =, quoted or not, and created_at),
 * joined by spaces or AND; the sort keys UPDATED_AT, CREATED_AT, PROCESSED_AT and ID (the
 * default). Cursors carry the last order's sort value and id, as Shopify's do, so an order
 * updated mid-backfill moves to the end instead of shifting every later page.
 */
import { GraphQLError } from 'graphql'
import { iso, type FakeOrder, type ShopState } from './state.ts'
import { connectionOf, decodeCursor, encodeCursor, type Page } from './views.ts'

type SortKey = 'UPDATED_AT' | 'CREATED_AT' | 'PROCESSED_AT' | 'ID'
const FIELDS = { updated_at: 'updatedAt', created_at: 'createdAt', processed_at: 'processedAt' } as const

export interface OrdersArgs extends Page { query?: string | null; sortKey?: string | null }

interface Term { field: 'updatedAt' | 'createdAt' | 'processedAt'; op: string; value: string }

export function parseOrderQuery(query: string | null | undefined): Term[] {
  const terms: Term[] = []
  if (!query) return terms
  const re = /(updated_at|created_at|processed_at):(>=|<=|>|<|=)?\s*(?:'([^']*)'|"([^"]*)"|(\S+))/g
  for (const m of query.matchAll(re)) {
    const raw = m[3] ?? m[4] ?? m[5]
    const t = new Date(raw).getTime()
    if (Number.isNaN(t)) throw new GraphQLError(`Invalid date in query: ${raw}`, { extensions: { code: 'BAD_REQUEST' } })
    terms.push({ field: FIELDS[m[1] as keyof typeof FIELDS], op: m[2] ?? '=', value: iso(t) })
  }
  return terms
}

function matches(o: FakeOrder, terms: Term[]): boolean {
  return terms.every(({ field, op, value }) => {
    const v = o[field]
    return op === '>=' ? v >= value : op === '>' ? v > value : op === '<=' ? v <= value : op === '<' ? v < value : v === value
  })
}

export function ordersConnection(state: ShopState, args: OrdersArgs, view: (o: FakeOrder) => unknown) {
  const n = args.first ?? args.last
  if (n === null || n === undefined) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } })
  if (n < 0 || n > 250) throw new GraphQLError("The value of 'first' or 'last' must be between 0 and 250.", { extensions: { code: 'BAD_REQUEST' } })
  const sortKey = (args.sortKey ?? 'ID') as SortKey
  const field = sortKey === 'UPDATED_AT' ? 'updatedAt' : sortKey === 'CREATED_AT' ? 'createdAt' : sortKey === 'PROCESSED_AT' ? 'processedAt' : null
  const keyOf = (o: FakeOrder): [string | number, number] => [field ? o[field] : o.id, o.id]
  const terms = parseOrderQuery(args.query)
  let list = state.sorted(field ? sortKey : 'ID')
  if (args.reverse) list = [...list].reverse()
  let start = 0
  if (args.after) {
    const c = decodeCursor(args.after)
    const after: [string | number, number] = [c.last_value as string | number, Number(c.last_id)]
    start = firstAfter(list, keyOf, after, args.reverse ?? false)
  }
  const page: FakeOrder[] = []
  let i = start
  for (; i < list.length && page.length < n; i++) if (matches(list[i], terms)) page.push(list[i])
  let more = false
  for (; i < list.length; i++) if (matches(list[i], terms)) { more = true; break }
  return connectionOf(page, more, start > 0, (o) => encodeCursor({ last_id: o.id, last_value: keyOf(o)[0] }), view)
}

/** Binary search: the index of the first order strictly past the cursor's (value, id). */
function firstAfter(list: FakeOrder[], keyOf: (o: FakeOrder) => [string | number, number], after: [string | number, number], reverse: boolean): number {
  const past = (o: FakeOrder) => {
    const [v, id] = keyOf(o)
    const cmp = v === after[0] ? id - after[1] : v < after[0] ? -1 : 1
    return reverse ? cmp < 0 : cmp > 0
  }
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (past(list[mid])) hi = mid
    else lo = mid + 1
  }
  return lo
}
