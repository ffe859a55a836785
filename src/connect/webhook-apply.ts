/**
 * Applying what a shop sent, once it is stored: a webhook (answered before it was applied, see
 * src/http/api/platform-webhooks.ts) or a sync page a stopped process left half-done. A webhook's
 * source is `webhook:<platform> <shop> <topic>`; its proof was checked before it was stored.
 */
import type { Queryable } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { openTask } from '../store/tasks.ts'
import { applyPlatformOrder, type ConnectionRef } from './apply-order.ts'
import { markRevoked } from './connections.ts'
import type { Platform, PlatformOrder } from './platform.ts'
import { shopifyGraphqlOrder, shopifyRestOrder } from './shopify/map.ts'
import { wooOrderToPlatform } from './woocommerce/map.ts'

export const webhookSource = (platform: Platform, shop: string, topic: string) => `webhook:${platform} ${shop} ${topic}`

function readJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new DomainError('PLATFORM_BODY_INVALID', `the body is not JSON: ${(err as Error).message}`)
  }
}

async function connectionOf(tx: Queryable, platform: string, shop: string): Promise<ConnectionRef> {
  const [c] = await tx.query<{ connection_id: number }>('SELECT connection_id FROM platform_connections WHERE platform = $1 AND shop = $2', [platform, shop])
  if (!c) throw new DomainError('CONNECT_NOT_FOUND', `no ${platform} connection for ${shop} (removed since the message came)`)
  return { connectionId: c.connection_id, platform, shop }
}

export function storedPlatformWebhookApplier(source: string, raw: Buffer, now: Date) {
  return async (tx: Queryable, messageId: number): Promise<string[]> => {
    const m = /^webhook:(shopify|woocommerce) (\S+) (\S+)$/.exec(source)
    if (!m) throw new DomainError('INBOUND_SOURCE_UNKNOWN', `a platform webhook from "${source}" cannot be applied`)
    const [, platform, shop, topic] = m
    const conn = await connectionOf(tx, platform, shop)
    if (platform === 'shopify') return applyShopifyTopic(tx, conn, topic, raw, messageId, now)
    return applyWooTopic(tx, conn, topic, raw, now)
  }
}

async function applyShopifyTopic(tx: Queryable, conn: ConnectionRef, topic: string, raw: Buffer, messageId: number, now: Date): Promise<string[]> {
  switch (topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled':
    case 'orders/edited':
      return applyPlatformOrder(tx, conn, shopifyRestOrder(readJson(raw)), now)
    case 'fulfillments/create':
    case 'fulfillments/update':
      return recordShopifyFulfillment(tx, conn, readJson(raw), messageId)
    case 'app/uninstalled':
      return uninstalled(tx, conn, now)
    default:
      return [`ignored: topic ${topic}`]
  }
}

async function applyWooTopic(tx: Queryable, conn: ConnectionRef, topic: string, raw: Buffer, now: Date): Promise<string[]> {
  switch (topic) {
    case 'order.created':
    case 'order.updated':
    case 'order.restored':
      return applyPlatformOrder(tx, conn, wooOrderToPlatform(readJson(raw)), now)
    default:
      return [`ignored: topic ${topic}`]
  }
}

async function uninstalled(tx: Queryable, conn: ConnectionRef, now: Date): Promise<string[]> {
  await markRevoked(tx, conn.connectionId, 'uninstalled', 'the app was uninstalled from the shop', now)
  await openTask(tx, {
    kind: 'platform_revoked', dedupeKey: `platform_revoked:${conn.connectionId}`, now,
    title: `${conn.shop} uninstalled wismo's app`,
    detail: `Nothing goes back to the shop and no orders come in until it is connected again: wismo connect ${conn.platform} … (docs/${conn.platform}.md).`,
  })
  return [`${conn.shop}: app uninstalled; the connection is stopped`]
}

/**
 * A fulfillment made in Shopify's admin (not by wismo): each of its line items with a tracking
 * number becomes a shipment of its line, as an 856 would. One wismo made itself is already a
 * shipment under that number: nothing changes.
 */
async function recordShopifyFulfillment(tx: Queryable, conn: ConnectionRef, body: unknown, messageId: number): Promise<string[]> {
  const f = body as {
    status?: string; created_at?: string; tracking_company?: string | null; tracking_number?: string | null; tracking_numbers?: string[]
    line_items?: Array<{ id: number; admin_graphql_api_id?: string; quantity: number }>
  }
  if (!f || !Array.isArray(f.line_items)) throw new DomainError('PLATFORM_BODY_INVALID', 'fulfillment: line_items: required')
  if (f.status === 'cancelled' || f.status === 'error' || f.status === 'failure') return [`fulfillment ${f.status}: nothing recorded`]
  const number = f.tracking_number ?? f.tracking_numbers?.[0] ?? null
  if (!number) return ['fulfillment without a tracking number: not recorded (wismo follows parcels by their number)']
  const shippedAt = f.created_at ? new Date(f.created_at) : null
  if (!shippedAt || Number.isNaN(shippedAt.getTime())) throw new DomainError('PLATFORM_BODY_INVALID', 'fulfillment: created_at: not a date-time')
  const out: string[] = []
  for (const li of f.line_items) {
    const lineId = li.admin_graphql_api_id ?? `gid://shopify/LineItem/${li.id}`
    const rows = await tx.query<{ order_line_id: number; line_no: number; order_number: string }>(
      `WITH s AS (
         INSERT INTO shipments (order_line_id, carrier, tracking_number, shipped_at, qty, message_id)
         SELECT p.order_line_id, $3, $4, $5, $6, $7 FROM platform_lines p WHERE p.connection_id = $1 AND p.platform_line_id = $2
         ON CONFLICT (order_line_id, tracking_number) DO NOTHING RETURNING order_line_id)
       UPDATE order_lines l SET dirty = true FROM s, orders o WHERE l.order_line_id = s.order_line_id AND o.order_id = l.order_id
       RETURNING l.order_line_id, l.line_no, o.order_number`,
      [conn.connectionId, lineId, f.tracking_company ?? null, number, shippedAt, li.quantity, messageId],
    )
    for (const r of rows) out.push(`order ${r.order_number} line ${r.line_no}: shipped ${li.quantity} (${f.tracking_company ?? 'carrier unknown'} ${number}), fulfilled in the shop`)
  }
  return out.length > 0 ? out : [`fulfillment ${number}: already known, or of lines wismo does not follow`]
}

/** A sync page a stopped process stored and did not apply: its orders, as the sync would have. */
export function storedPlatformPageApplier(source: string, raw: Buffer, now: Date) {
  return async (tx: Queryable): Promise<string[]> => {
    const m = /^sync:(shopify|woocommerce):(.+)$/.exec(source)
    if (!m) throw new DomainError('INBOUND_SOURCE_UNKNOWN', `a platform page from "${source}" cannot be applied`)
    const conn = await connectionOf(tx, m[1], m[2])
    const body = readJson(raw)
    const orders: PlatformOrder[] = m[1] === 'shopify'
      ? ((body as { nodes?: unknown[] }).nodes ?? []).map(shopifyGraphqlOrder)
      : (Array.isArray(body) ? body : []).map((o) => wooOrderToPlatform(o))
    const out: string[] = []
    for (const o of orders) out.push(...(await applyPlatformOrder(tx, conn, o, now)))
    return out
  }
}
