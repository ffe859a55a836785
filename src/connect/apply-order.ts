/**
 * A platform order into wismo's tables (DESIGN.md "Store platforms"): its customer, the order,
 * one order line per platform line, each line's supplier and PO (an 850, as for a switch), and
 * what the platform itself took away — an edit, a refund, a cancellation — as cancelled units.
 *
 * Applying is convergent: the same version applied twice, or a sync page and a webhook carrying
 * one order, leave what one apply leaves. A version older than the one applied is refused
 * (webhooks are not delivered in order), and units once cancelled are never brought back.
 */
import type { Queryable } from '../store/db.ts'
import { DomainError } from '../domain/errors.ts'
import { openTask } from '../store/tasks.ts'
import { requestSupplierCancel, sendPurchaseLine } from '../purchasing/documents.ts'
import type { PlatformLine, PlatformOrder } from './platform.ts'

export interface ConnectionRef {
  connectionId: number
  platform: string
  shop: string
}

/** The SKU a line goes by: its own, else one made of the platform's variant (or line) id. */
export function skuOf(platform: string, line: PlatformLine): string {
  const sku = line.sku?.trim()
  if (sku) return sku
  return `${platform}-${line.variantId ?? line.platformLineId}`.replace(/[^A-Za-z0-9._-]+/g, '-')
}

const money = (n: number | null) => (n === null || !Number.isFinite(n) ? null : Math.round(n * 100) / 100)

/** Applies one version of a platform order; returns what changed, a line each (the stored message's summary). */
export async function applyPlatformOrder(tx: Queryable, conn: ConnectionRef, order: PlatformOrder, now: Date): Promise<string[]> {
  // One platform order at a time: a webhook and a sync page carrying it may arrive together.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`platform_order:${conn.connectionId}:${order.platformOrderId}`])
  const [known] = await tx.query<{ order_id: number; platform_updated_at: Date }>(
    'SELECT order_id, platform_updated_at FROM platform_orders WHERE connection_id = $1 AND platform_order_id = $2',
    [conn.connectionId, order.platformOrderId],
  )
  const label = `order ${order.number}`
  if (known && known.platform_updated_at.getTime() > order.updatedAt.getTime()) {
    return [`${label}: the version of ${order.updatedAt.toISOString()} is older than the one applied (${known.platform_updated_at.toISOString()}); nothing changed`]
  }
  const existing = known?.order_id ?? (await adoptOrderNumber(tx, order))
  const customerId = await upsertCustomer(tx, order, existing, now)
  const orderId = existing ?? (await insertOrder(tx, order, customerId))
  await tx.query(
    `UPDATE orders SET placed_at = $2, customer_id = $3, postal_code = coalesce($4, postal_code), paid_at = coalesce($5, paid_at),
            order_shipping = coalesce($6, order_shipping), country = coalesce($7, country)
      WHERE order_id = $1`,
    [orderId, order.placedAt, customerId, order.postalCode, order.paidAt, money(order.shipping), order.country],
  )
  await tx.query(
    `INSERT INTO platform_orders (connection_id, platform_order_id, order_id, platform_updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (connection_id, platform_order_id) DO UPDATE SET platform_updated_at = greatest(platform_orders.platform_updated_at, EXCLUDED.platform_updated_at)`,
    [conn.connectionId, order.platformOrderId, orderId, order.updatedAt],
  )
  const summary: string[] = []
  for (const line of order.lines) summary.push(...(await applyLine(tx, conn, order, orderId, line, now)))
  if (order.cancelledAt) summary.push(...(await cancelOnPlatform(tx, conn, orderId, order, now)))
  return summary.length > 0 ? summary.map((s) => `${label} ${s}`) : [`${label}: up to date`]
}

/**
 * The wismo order for a platform order seen for the first time: one imported earlier from a CSV
 * under its number (a retailer moving to the connector), else none (a new one is made). A number
 * another platform order holds is refused: two shops' orders are never merged.
 */
async function adoptOrderNumber(tx: Queryable, order: PlatformOrder): Promise<number | null> {
  const [taken] = await tx.query<{ order_id: number; connection_id: number | null; shop: string | null }>(
    `SELECT o.order_id, p.connection_id, c.shop FROM orders o
       LEFT JOIN platform_orders p ON p.order_id = o.order_id LEFT JOIN platform_connections c ON c.connection_id = p.connection_id
      WHERE o.order_number = $1`,
    [order.number],
  )
  if (taken?.connection_id != null) {
    throw new DomainError('PLATFORM_ORDER_NUMBER_TAKEN', `order number ${order.number} already belongs to an order of ${taken.shop}; two shops' orders are not merged`)
  }
  return taken?.order_id ?? null
}

async function insertOrder(tx: Queryable, order: PlatformOrder, customerId: number): Promise<number> {
  const [row] = await tx.query<{ order_id: number }>(
    `INSERT INTO orders (order_number, placed_at, customer_id, postal_code, paid_at, order_shipping, country, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $2) RETURNING order_id`,
    [order.number, order.placedAt, customerId, order.postalCode, order.paidAt, money(order.shipping), order.country],
  )
  return row.order_id
}

/** By email (one customer per address, as the CSV import); else the order's own customer; else a new one. */
async function upsertCustomer(tx: Queryable, order: PlatformOrder, orderId: number | null, now: Date): Promise<number> {
  const email = order.email?.trim() || null
  if (email) {
    const [c] = await tx.query<{ customer_id: number }>(
      `INSERT INTO customers AS c (email, name, phone, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (lower(email)) WHERE email IS NOT NULL
       DO UPDATE SET name = coalesce(EXCLUDED.name, c.name), phone = coalesce(EXCLUDED.phone, c.phone)
       RETURNING customer_id`,
      [email, order.name, order.phone, now],
    )
    return c.customer_id
  }
  const [own] = orderId === null ? [] : await tx.query<{ customer_id: number | null }>('SELECT customer_id FROM orders WHERE order_id = $1', [orderId])
  if (own?.customer_id) {
    await tx.query('UPDATE customers SET name = coalesce($2, name), phone = coalesce($3, phone) WHERE customer_id = $1', [own.customer_id, order.name, order.phone])
    return own.customer_id
  }
  const [c] = await tx.query<{ customer_id: number }>(
    'INSERT INTO customers (name, phone, created_at) VALUES ($1, $2, $3) RETURNING customer_id',
    [order.name, order.phone, now],
  )
  return c.customer_id
}

/**
 * The supplier a new line goes to: the one the product names (its vendor, by supplier id or
 * name), else the offer that can ship it soonest (in stock first, then the earliest restock,
 * then the shortest lead time), else none — a rep task says so.
 */
async function supplierFor(tx: Queryable, sku: string, vendor: string | null): Promise<string | null> {
  if (vendor?.trim()) {
    const [named] = await tx.query<{ supplier_id: string }>(
      `SELECT supplier_id FROM suppliers WHERE lower(supplier_id) = lower($1) OR lower(name) = lower($1) ORDER BY supplier_id LIMIT 1`,
      [vendor.trim()],
    )
    if (named) return named.supplier_id
  }
  const [best] = await tx.query<{ supplier_id: string }>(
    `SELECT f.supplier_id FROM offers f JOIN suppliers s ON s.supplier_id = f.supplier_id WHERE f.sku = $1
      ORDER BY (coalesce(f.available_qty, 0) > 0) DESC, f.restock_date ASC NULLS LAST, s.lead_time_days ASC NULLS LAST, f.cost ASC NULLS LAST, f.supplier_id
      LIMIT 1`,
    [sku],
  )
  return best?.supplier_id ?? null
}

interface KnownLine {
  order_line_id: number
  qty: number
  cancelled_qty: number | null
  platform_removed: number
  shipped: number
}

async function applyLine(tx: Queryable, conn: ConnectionRef, order: PlatformOrder, orderId: number, line: PlatformLine, now: Date): Promise<string[]> {
  const sku = skuOf(conn.platform, line)
  await tx.query(
    `INSERT INTO products (sku, name, price, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sku) DO NOTHING`,
    [sku, line.title || sku, money(line.unitPrice), now],
  )
  const [known] = await tx.query<KnownLine>(
    `SELECT l.order_line_id, l.qty, l.cancelled_qty, p.platform_removed,
            (SELECT coalesce(sum(s.qty), 0)::int FROM shipments s WHERE s.order_line_id = l.order_line_id) AS shipped
       FROM platform_lines p JOIN order_lines l ON l.order_line_id = p.order_line_id
      WHERE p.connection_id = $1 AND p.platform_line_id = $2`,
    [conn.connectionId, line.platformLineId],
  )
  if (!known) return addLine(tx, conn, order, orderId, line, sku, now)
  await tx.query(
    'UPDATE order_lines SET unit_price = coalesce($2, unit_price), line_tax = coalesce($3, line_tax) WHERE order_line_id = $1',
    [known.order_line_id, money(line.unitPrice), money(line.tax)],
  )
  const removed = Math.max(0, Math.min(known.qty, line.qty - line.currentQty))
  if (removed <= known.platform_removed) return []
  return removedOnPlatform(tx, known, removed, 'removed on the platform', now)
}

async function addLine(tx: Queryable, conn: ConnectionRef, order: PlatformOrder, orderId: number, line: PlatformLine, sku: string, now: Date): Promise<string[]> {
  if (!Number.isInteger(line.qty) || line.qty < 1) return [] // a line of nothing (a tip, a removed gift card) is no order line
  const supplierId = await supplierFor(tx, sku, line.vendor)
  const [{ line_no }] = await tx.query<{ line_no: number }>(
    'SELECT coalesce(max(line_no), 0) + 1 AS line_no FROM order_lines WHERE order_id = $1',
    [orderId],
  )
  const [ol] = await tx.query<{ order_line_id: number }>(
    `INSERT INTO order_lines (order_id, line_no, sku, qty, supplier_id, unit_price, line_tax, dirty)
     VALUES ($1, $2, $3, $4, $5, $6, $7, true) RETURNING order_line_id`,
    [orderId, line_no, sku, line.qty, supplierId, money(line.unitPrice), money(line.tax)],
  )
  await tx.query(
    `INSERT INTO platform_lines (order_line_id, connection_id, platform_order_id, platform_line_id) VALUES ($1, $2, $3, $4)`,
    [ol.order_line_id, conn.connectionId, order.platformOrderId, line.platformLineId],
  )
  const out = [`line ${line_no}: ${line.qty} × ${sku}`]
  if (supplierId) {
    const [po] = await tx.query<{ po_line_id: number }>(
      `INSERT INTO po_lines (order_line_id, supplier_id, po_number, po_line, sku, qty, active, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, true, $7)
       ON CONFLICT (po_number, po_line, coalesce(supplier_id, '')) DO NOTHING RETURNING po_line_id`,
      [ol.order_line_id, supplierId, order.number, String(line_no), sku, line.qty, now],
    )
    if (po) {
      await sendPurchaseLine(tx, { poLineId: po.po_line_id, orderLineId: ol.order_line_id, now })
      out[0] += `, ordered from ${supplierId} (850, PO ${order.number} line ${line_no})`
    } else {
      out[0] += `, supplier ${supplierId} (PO ${order.number} line ${line_no} already exists: no 850 sent)`
    }
  } else {
    out[0] += ', no supplier found (rep task)'
    await openTask(tx, {
      kind: 'platform_unsourced', dedupeKey: `platform_unsourced:${ol.order_line_id}`, orderId, orderLineId: ol.order_line_id, now,
      title: `Order ${order.number} line ${line_no}: no supplier for ${sku}`,
      detail: `The product names no known supplier (vendor ${JSON.stringify(line.vendor ?? '')}) and no supplier offers ${sku}: place it by hand, or add the supplier or an offer and re-import.`,
    })
  }
  const removed = Math.max(0, Math.min(line.qty, line.qty - line.currentQty))
  if (removed > 0) {
    const [known] = await tx.query<KnownLine>(
      `SELECT order_line_id, qty, cancelled_qty, 0 AS platform_removed, 0 AS shipped FROM order_lines WHERE order_line_id = $1`,
      [ol.order_line_id],
    )
    out.push(...(await removedOnPlatform(tx, known, removed, 'removed on the platform', now)))
  }
  return out
}

/**
 * Units the platform took off a line (an edit, a refund, the order cancelled there): cancelled
 * in wismo too — without a refund due, the platform refunded them — and, when nothing of the
 * line is left to ship, cancelled at its supplier (860). Units wismo had already cancelled (and
 * asked the platform to) are not counted twice.
 */
async function removedOnPlatform(tx: Queryable, line: KnownLine, removed: number, why: string, now: Date): Promise<string[]> {
  await tx.query('UPDATE platform_lines SET platform_removed = greatest(platform_removed, $2) WHERE order_line_id = $1', [line.order_line_id, removed])
  const cancelled = line.cancelled_qty ?? 0
  const open = Math.max(0, line.qty - line.shipped)
  const target = Math.min(open, Math.max(cancelled, removed))
  if (target <= cancelled) return []
  await tx.query(
    `UPDATE order_lines SET cancelled_at = $2, cancelled_qty = $3, cancel_reason = 'platform', dirty = true WHERE order_line_id = $1`,
    [line.order_line_id, now, target],
  )
  const [{ line_no }] = await tx.query<{ line_no: number }>('SELECT line_no FROM order_lines WHERE order_line_id = $1', [line.order_line_id])
  const out = [`line ${line_no}: ${target - cancelled} unit(s) ${why}, cancelled`]
  if (target >= open) {
    const doc = await requestSupplierCancel(tx, { orderLineId: line.order_line_id, reason: 'platform_cancel', now })
    if (doc) out[0] += ` (860 to ${doc.supplierId ?? 'the supplier'})`
  }
  return out
}

/** The order cancelled on the platform: every unit not shipped is cancelled (refunded there). */
async function cancelOnPlatform(tx: Queryable, conn: ConnectionRef, orderId: number, order: PlatformOrder, now: Date): Promise<string[]> {
  const lines = await tx.query<KnownLine>(
    `SELECT l.order_line_id, l.qty, l.cancelled_qty, p.platform_removed,
            (SELECT coalesce(sum(s.qty), 0)::int FROM shipments s WHERE s.order_line_id = l.order_line_id) AS shipped
       FROM platform_lines p JOIN order_lines l ON l.order_line_id = p.order_line_id
      WHERE p.connection_id = $1 AND l.order_id = $2 ORDER BY l.line_no`,
    [conn.connectionId, orderId],
  )
  const out: string[] = []
  for (const l of lines) out.push(...(await removedOnPlatform(tx, l, l.qty - l.shipped, `cancelled on the platform (${order.cancelledAt!.toISOString()})`, now)))
  return out
}
