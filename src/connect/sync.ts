/**
 * `wismo sync shopify|woocommerce [--since DATE]`: the shop's orders, page by page, each page
 * stored raw and applied in one transaction that also moves the connection's cursor — so a sync
 * killed at any point resumes after the last page applied, and a page applied twice (or an order
 * also arriving by webhook) changes nothing twice (apply-order.ts is convergent).
 */
import type { Db } from '../store/db.ts'
import { ingestMessage } from '../store/inbound.ts'
import { DomainError } from '../domain/errors.ts'
import { applyPlatformOrder } from './apply-order.ts'
import { markRevoked, noteError, type Connection } from './connections.ts'
import { PlatformCallError, type PlatformClient } from './platform.ts'

export interface SyncResult {
  pages: number
  orders: number
  /** Orders whose version was older than one already applied, or the same. */
  unchanged: number
  /** Pages already applied (a resumed sync asking again). */
  duplicatePages: number
  quarantined: string[]
  resumed: boolean
}

export interface SyncOptions {
  now: () => Date
  /** Orders updated at or after this; null: everything. A sync left unfinished with the same (or no) --since resumes. */
  since: Date | null
  onPage?: (r: SyncResult) => void
}

export async function syncOrders(db: Db, conn: Connection, client: PlatformClient, opts: SyncOptions): Promise<SyncResult> {
  if (conn.status !== 'active') {
    throw new DomainError('CONNECT_INACTIVE', `${conn.shop} is ${conn.status}: run wismo connect ${conn.platform} again with fresh credentials`)
  }
  const [state] = await db.query<{ sync_started_at: Date | null; sync_since: Date | null; sync_cursor: string | null }>(
    'SELECT sync_started_at, sync_since, sync_cursor FROM platform_connections WHERE connection_id = $1',
    [conn.connectionId],
  )
  const resumed = state?.sync_started_at != null && (opts.since === null || state.sync_since?.getTime() === opts.since.getTime())
  const since = resumed ? state!.sync_since : opts.since
  const cursor = resumed ? state!.sync_cursor : null
  if (!resumed) {
    await db.query(
      'UPDATE platform_connections SET sync_started_at = $2, sync_since = $3, sync_cursor = NULL WHERE connection_id = $1',
      [conn.connectionId, opts.now(), since],
    )
  }
  const result: SyncResult = { pages: 0, orders: 0, unchanged: 0, duplicatePages: 0, quarantined: [], resumed }
  try {
    for await (const page of client.orderPages({ since, cursor })) {
      const now = opts.now()
      const outcome = await ingestMessage(
        db,
        { kind: 'platform_orders', source: `sync:${conn.platform}:${conn.shop}`, body: page.raw, receivedAt: now },
        async (tx) => {
          const summary: string[] = []
          for (const order of page.orders) {
            const lines = await applyPlatformOrder(tx, { connectionId: conn.connectionId, platform: conn.platform, shop: conn.shop }, order, now)
            if (lines.length === 1 && /nothing changed|up to date/.test(lines[0])) result.unchanged++
            summary.push(...lines)
          }
          await tx.query('UPDATE platform_connections SET sync_cursor = $2 WHERE connection_id = $1', [conn.connectionId, page.cursor])
          return summary
        },
      )
      result.pages++
      if (outcome.outcome === 'applied') result.orders += page.orders.length
      else {
        if (outcome.outcome === 'duplicate') result.duplicatePages++
        else result.quarantined.push(`message ${outcome.messageId}: ${outcome.reason}`)
        await db.query('UPDATE platform_connections SET sync_cursor = $2 WHERE connection_id = $1', [conn.connectionId, page.cursor])
      }
      opts.onPage?.(result)
    }
  } catch (err) {
    const at = opts.now()
    if (err instanceof PlatformCallError && err.revoked) await markRevoked(db, conn.connectionId, 'revoked', err.message, at)
    else await noteError(db, conn.connectionId, `sync: ${(err as Error).message}`, at)
    throw err
  }
  await db.query(
    `UPDATE platform_connections SET sync_started_at = NULL, sync_cursor = NULL, last_sync_at = $2, last_sync_orders = $3 WHERE connection_id = $1`,
    [conn.connectionId, opts.now(), result.orders],
  )
  return result
}
