/**
 * Finding the order a caller or texter means, and its customer view. The proof is the same as
 * on the page (the postal code or email on the order); the caller's number alone only suggests
 * an order, it never names one that is not the caller's own (DESIGN.md "Phone and text").
 */
import type { Queryable } from '../store/db.ts'
import { loadOrderSnapshot, type OrderSnapshot } from '../store/order-snapshot.ts'
import { deriveOrder, presentCustomerView, type OrderStatusView } from '../status/order-status.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { orderNumberKey } from '../domain/order-number.ts'
import { PHONE_KEY_SQL, phoneKey } from './phone.ts'

export interface PhoneOrder {
  orderId: number
  orderNumber: string
  placedAt: Date
  customerName: string | null
}

/** Open orders (a line not closed) of the last `days` days whose customer has this phone, newest first. */
export async function openOrdersForPhone(db: Queryable, phone: string, now: Date, days = 90): Promise<PhoneOrder[]> {
  const key = phoneKey(phone)
  if (!key) return []
  const rows = await db.query<{ order_id: number; order_number: string; placed_at: Date; name: string | null }>(
    `SELECT o.order_id, o.order_number, o.placed_at, c.name
       FROM customers c JOIN orders o USING (customer_id)
      WHERE ${PHONE_KEY_SQL('c.phone')} = $1 AND c.phone IS NOT NULL
        AND o.placed_at >= $2::timestamptz - make_interval(days => $3::int) AND o.placed_at <= $2
        AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.order_id AND NOT l.closed AND l.cancelled_at IS NULL)
      ORDER BY o.placed_at DESC, o.order_id DESC LIMIT 5`,
    [key, now, days],
  )
  return rows.map((r) => ({ orderId: r.order_id, orderNumber: r.order_number, placedAt: r.placed_at, customerName: r.name }))
}

/**
 * The characters of a keyed or spoken order number that matter: the store's reading of a typed
 * number (domain/order-number.ts), then letters and digits alone (a keypad's '*', speech's spaces).
 */
export function normalizeKeyed(text: string): string {
  return orderNumberKey(text).replace(/[^A-Z0-9]/g, '')
}

/**
 * The order a caller keyed or said: the exact number (letters and digits), else the one order
 * whose number has exactly these digits (a keypad has no letters). Null when none or several.
 */
export async function orderNumberForKeyed(db: Queryable, keyed: string): Promise<string | null> {
  const alnum = normalizeKeyed(keyed)
  if (!alnum || alnum.length > 40) return null
  const exact = await db.query<{ order_number: string }>(
    `SELECT order_number FROM orders WHERE upper(order_number) = $1 LIMIT 2`,
    [alnum],
  )
  if (exact.length === 1) return exact[0].order_number
  const digits = alnum.replace(/\D/g, '')
  if (!digits) return null
  const byDigits = await db.query<{ order_number: string }>(
    `SELECT order_number FROM orders WHERE regexp_replace(order_number, '\\D', '', 'g') = $1 LIMIT 2`,
    [digits],
  )
  return byDigits.length === 1 ? byDigits[0].order_number : null
}

export interface CustomerOrder {
  snapshot: OrderSnapshot
  view: OrderStatusView
}

/** The order's customer view at `now`; null when it does not exist. */
export async function customerOrder(db: Queryable, orderNumber: string, ctx: { now: Date; calendar: CalendarConfig }): Promise<CustomerOrder | null> {
  const snapshot = await loadOrderSnapshot(db, orderNumber)
  if (!snapshot) return null
  const derived = await deriveOrder(db, snapshot, ctx)
  return { snapshot, view: presentCustomerView(derived) }
}
