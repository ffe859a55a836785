/**
 * "Open backorders", defined once (migration 115, `open_backorders_at`): the order lines whose
 * latest recorded state at an instant is backordered. The dashboard's headline and charts, the
 * list of lines behind them and the worklist's backorder filter all read it, so they agree.
 */
import type { Queryable } from './db.ts'

/** The definition in one line, as the pages print it. */
export const OPEN_BACKORDERS_DEFINITION =
  'Order lines whose latest state is backordered: the supplier has no stock for them, and they have not shipped, ' +
  'come back in stock, become unavailable or been cancelled since.'

/** SQL for the ids of the lines open as backorders at the instant `at` (an SQL expression, e.g. `$1`). */
export const openBackorderIds = (at: string): string => `SELECT order_line_id FROM open_backorders_at(${at})`

/** How many lines are open backorders at `at`. */
export async function countOpenBackorders(db: Queryable, at: Date): Promise<number> {
  const [r] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM open_backorders_at($1)', [at])
  return r.n
}
