/**
 * The store's one reading of an order number as a person types it: surrounding spaces trimmed, a
 * leading '#' dropped (as on a receipt, "#W101301"), case ignored ("w101301"). Every lookup that
 * takes a typed number — the lookup page, GET /api/orders/{number}/status, the choice routes,
 * the phone and SMS flows, `wismo status` — goes through this function, and the store matches it
 * against `upper(order_number)` (index orders_number_key, migration 120), so all of them agree and
 * the hot lookup stays one indexed statement. The lock-out counts under this key too, so "#w1"
 * and "W1" are one order to a guesser as well.
 */
export function orderNumberKey(typed: string): string {
  return typed.normalize('NFKC').trim().replace(/^#\s*/, '').toUpperCase()
}
