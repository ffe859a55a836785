/**
 * Connected shops: who they are, their credentials (sealed, src/connect/credentials.ts), how
 * cancellations are refunded, and what a rep or an operator needs to see of each — the last
 * sync, the last webhook, the last error (`wismo connect status`).
 */
import type { Queryable } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { openCredentials, sealCredentials } from './credentials.ts'
import { closeTask } from '../store/tasks.ts'
import type { Platform } from './platform.ts'

export interface ShopifyCredentials {
  token: string
  webhookSecret: string
}

export interface WooCredentials {
  consumerKey: string
  consumerSecret: string
  webhookSecret: string
}

export type Credentials = ShopifyCredentials | WooCredentials
export type RefundsMode = 'platform' | 'record'

export interface Connection {
  connectionId: number
  platform: Platform
  shop: string
  refunds: RefundsMode
  status: 'active' | 'revoked' | 'uninstalled'
}

export interface ConnectionStatus extends Connection {
  createdAt: string
  syncRunning: boolean
  syncStartedAt: string | null
  lastSyncAt: string | null
  lastSyncOrders: number | null
  lastWebhookAt: string | null
  lastError: string | null
  lastErrorAt: string | null
  orders: number
  callsDue: number
  callsFailed: number
}

/** A Shopify shop is its `NAME.myshopify.com` domain; a WooCommerce shop is its site's URL. */
export function normalizeShop(platform: Platform, shop: string): string {
  const s = shop.trim()
  if (platform === 'shopify') {
    const domain = s.replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase()
    if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain)) {
      throw new DomainError('CONNECT_SHOP_INVALID', `--shop must be the shop's NAME.myshopify.com domain, got ${JSON.stringify(shop)}`)
    }
    return domain
  }
  let url: URL
  try {
    url = new URL(s)
  } catch {
    throw new DomainError('CONNECT_SHOP_INVALID', `--url must be the WooCommerce site's address (https://shop.example.com), got ${JSON.stringify(shop)}`)
  }
  if (!/^https?:$/.test(url.protocol)) throw new DomainError('CONNECT_SHOP_INVALID', `--url must start with https:// (or http:// for a local test site), got ${JSON.stringify(shop)}`)
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`
}

/** Stores a shop's connection (a new one, or new credentials for a known shop: it becomes active again). */
export async function saveConnection(
  db: Queryable,
  input: { platform: Platform; shop: string; credentials: Credentials; refunds: RefundsMode; secret: string; now: Date },
): Promise<{ connection: Connection; created: boolean }> {
  const shop = normalizeShop(input.platform, input.shop)
  const [row] = await db.query<{ connection_id: number; created: boolean }>(
    `INSERT INTO platform_connections (platform, shop, credentials, refunds, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'active', $5, $5)
     ON CONFLICT (platform, shop) DO UPDATE SET credentials = EXCLUDED.credentials, refunds = EXCLUDED.refunds, status = 'active',
       updated_at = EXCLUDED.updated_at, last_error = NULL, last_error_at = NULL
     RETURNING connection_id, (xmax = 0) AS created`,
    [input.platform, shop, sealCredentials(input.credentials, input.secret), input.refunds, input.now],
  )
  // Connected again: the task that asked for it is done.
  await closeTask(db, `platform_revoked:${row.connection_id}`, input.now)
  return { connection: { connectionId: row.connection_id, platform: input.platform, shop, refunds: input.refunds, status: 'active' }, created: row.created }
}

interface Row {
  connection_id: number
  platform: Platform
  shop: string
  refunds: RefundsMode
  status: Connection['status']
  credentials: string
}

const toConnection = (r: Row): Connection => ({ connectionId: r.connection_id, platform: r.platform, shop: r.shop, refunds: r.refunds, status: r.status })

/**
 * The connection of `shop` on `platform`, or — no shop given — the platform's only one. Throws
 * CONNECT_NOT_FOUND (naming how to connect) or CONNECT_AMBIGUOUS (naming the shops).
 */
export async function findConnection(db: Queryable, platform: Platform, shop?: string | null): Promise<Connection & { sealed: string }> {
  const rows = shop
    ? await db.query<Row>('SELECT connection_id, platform, shop, refunds, status, credentials FROM platform_connections WHERE platform = $1 AND shop = $2', [platform, normalizeShop(platform, shop)])
    : await db.query<Row>('SELECT connection_id, platform, shop, refunds, status, credentials FROM platform_connections WHERE platform = $1 ORDER BY connection_id', [platform])
  if (rows.length === 0) {
    throw new DomainError('CONNECT_NOT_FOUND', `no ${platform} shop is connected${shop ? ` as ${shop}` : ''}: run wismo connect ${platform} first`)
  }
  if (rows.length > 1) throw new DomainError('CONNECT_AMBIGUOUS', `${rows.length} ${platform} shops are connected (${rows.map((r) => r.shop).join(', ')}): name one with --shop`)
  return { ...toConnection(rows[0]), sealed: rows[0].credentials }
}

export async function connectionById(db: Queryable, connectionId: number): Promise<Connection & { sealed: string }> {
  const [row] = await db.query<Row>('SELECT connection_id, platform, shop, refunds, status, credentials FROM platform_connections WHERE connection_id = $1', [connectionId])
  if (!row) throw new DomainError('CONNECT_NOT_FOUND', `connection ${connectionId} not found`)
  return { ...toConnection(row), sealed: row.credentials }
}

export function credentialsOf<T extends Credentials>(c: { sealed: string; shop: string }, secret: string): T {
  return openCredentials<T>(c.sealed, secret, c.shop)
}

export async function noteError(db: Queryable, connectionId: number, error: string, at: Date): Promise<void> {
  await db.query('UPDATE platform_connections SET last_error = $2, last_error_at = $3 WHERE connection_id = $1', [connectionId, error.slice(0, 2000), at])
}

/** The platform refused the credentials: the connection stops (no call, no sync) until `wismo connect` again. */
export async function markRevoked(db: Queryable, connectionId: number, status: 'revoked' | 'uninstalled', why: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE platform_connections SET status = $2, last_error = $3, last_error_at = $4, updated_at = $4 WHERE connection_id = $1`,
    [connectionId, status, why.slice(0, 2000), at],
  )
}

export async function noteWebhook(db: Queryable, connectionId: number, at: Date): Promise<void> {
  await db.query('UPDATE platform_connections SET last_webhook_at = greatest(last_webhook_at, $2) WHERE connection_id = $1', [connectionId, at])
}

export async function listConnections(db: Queryable): Promise<ConnectionStatus[]> {
  const rows = await db.query<Row & {
    created_at: Date; sync_started_at: Date | null; last_sync_at: Date | null; last_sync_orders: number | null; last_webhook_at: Date | null
    last_error: string | null; last_error_at: Date | null; orders: number; calls_due: number; calls_failed: number
  }>(
    `SELECT c.*, (SELECT count(*)::int FROM platform_orders p WHERE p.connection_id = c.connection_id) AS orders,
            (SELECT count(*)::int FROM platform_calls k WHERE k.connection_id = c.connection_id AND k.status = 'due') AS calls_due,
            (SELECT count(*)::int FROM platform_calls k WHERE k.connection_id = c.connection_id AND k.status = 'failed') AS calls_failed
       FROM platform_connections c ORDER BY c.platform, c.shop`,
  )
  const iso = (d: Date | null) => (d ? d.toISOString() : null)
  return rows.map((r) => ({
    ...toConnection(r),
    createdAt: r.created_at.toISOString(),
    syncRunning: r.sync_started_at !== null,
    syncStartedAt: iso(r.sync_started_at),
    lastSyncAt: iso(r.last_sync_at),
    lastSyncOrders: r.last_sync_orders,
    lastWebhookAt: iso(r.last_webhook_at),
    lastError: r.last_error,
    lastErrorAt: iso(r.last_error_at),
    orders: r.orders,
    callsDue: r.calls_due,
    callsFailed: r.calls_failed,
  }))
}
