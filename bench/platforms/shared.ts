/** What both halves of the platforms suite share: the app's secret, the catalog's supplier, and what the database holds. */
import type { Db } from '../../src/store/db.ts'

/** WISMO_SECRET of the benchmark: seals the connection's credentials. */
export const APP_SECRET = 'bench-platforms-signing-secret-0123456789abcdef'
/** The vendor on every line: seedCatalog's ACME by name, so each line gets its supplier, a PO line and an 850. */
export const VENDOR = 'Acme Outdoor Supply'

export interface OrderCounts { orders: number; lines: number; platformOrders: number; po850: number }

export async function countAll(db: Db): Promise<OrderCounts> {
  const [c] = await db.query<OrderCounts>(
    `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS lines,
            (SELECT count(*) FROM platform_orders)::int AS "platformOrders",
            (SELECT count(*) FROM purchasing_documents WHERE kind = '850')::int AS po850`,
  )
  return c
}
