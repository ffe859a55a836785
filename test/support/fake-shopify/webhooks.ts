/**
 * Shopify's webhooks as they reach an app: the REST-shaped order (snake_case, numeric ids,
 * money as strings) for orders/create and orders/updated, signed with X-Shopify-Hmac-Sha256 =
 * base64(HMAC-SHA256(secret, raw body)) — https://shopify.dev/docs/apps/build/webhooks/subscribe/https
 */
import { createHmac, randomUUID } from 'node:crypto'
import { gid, money, type FakeOrder } from './state.ts'

const addressOf = (a: FakeOrder['shippingAddress']) => {
  if (!a) return null
  return {
    first_name: a.firstName, last_name: a.lastName, name: [a.firstName, a.lastName].filter(Boolean).join(' ') || null,
    address1: a.address1, city: a.city, province: a.province, province_code: a.provinceCode, zip: a.zip,
    country: a.country, country_code: a.countryCode, phone: a.phone,
  }
}

const set = (amount: string, currency: string) => ({ shop_money: { amount, currency_code: currency }, presentment_money: { amount, currency_code: currency } })

/** The order JSON Shopify posts for orders/create and orders/updated (REST Admin resource shape). */
export function orderWebhookPayload(o: FakeOrder): Record<string, unknown> {
  const fulfillable = (lineId: number) => o.fulfillmentOrders
    .filter((f) => f.status === 'OPEN' || f.status === 'IN_PROGRESS')
    .reduce((s, f) => s + f.lines.filter((l) => l.lineId === lineId).reduce((t, l) => t + l.remainingQuantity, 0), 0)
  const shipped = (lineId: number) => o.fulfillments.reduce((s, f) => s + f.lines.filter((l) => l.lineId === lineId).reduce((t, l) => t + l.quantity, 0), 0)
  const lineItem = (lineId: number) => {
    const l = o.lines.find((x) => x.id === lineId)!
    const done = shipped(l.id)
    return {
      id: l.id, admin_graphql_api_id: gid('LineItem', l.id), sku: l.sku, vendor: l.vendor, title: l.title, variant_title: l.variantTitle,
      name: l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title, quantity: l.quantity, current_quantity: l.currentQuantity,
      fulfillable_quantity: fulfillable(l.id), fulfillment_status: done === 0 ? null : done >= l.currentQuantity ? 'fulfilled' : 'partial',
      price: l.price, price_set: set(l.price, o.currency), variant_id: l.variantId, product_id: l.productId, requires_shipping: true,
      tax_lines: l.taxLines.map((t) => ({ price: t.price, rate: t.rate, title: t.title, price_set: set(t.price, o.currency) })),
      discount_allocations: [],
    }
  }
  const subtotal = o.lines.reduce((s, l) => s + Number(l.discountedPrice) * l.currentQuantity, 0)
  const tax = o.lines.reduce((s, l) => s + l.taxLines.reduce((t, x) => t + Number(x.price), 0), 0)
  return {
    id: o.id, admin_graphql_api_id: gid('Order', o.id), name: `#${o.number}`, order_number: o.number, number: o.number - 1000,
    email: o.email, contact_email: o.email, phone: o.phone,
    created_at: o.createdAt, updated_at: o.updatedAt, processed_at: o.processedAt, closed_at: o.closedAt,
    cancelled_at: o.cancelledAt, cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    financial_status: o.financialStatus.toLowerCase(), fulfillment_status: o.fulfillments.length > 0 ? (o.fulfillmentOrders.every((f) => f.status === 'CLOSED') ? 'fulfilled' : 'partial') : null,
    currency: o.currency, note: o.note, tags: o.tags.join(', '),
    current_subtotal_price: money(subtotal), total_tax: money(tax),
    total_shipping_price_set: set(o.shippingPrice, o.currency),
    customer: o.customer && {
      id: o.customer.id, admin_graphql_api_id: gid('Customer', o.customer.id), email: o.customer.email,
      first_name: o.customer.firstName, last_name: o.customer.lastName, phone: o.customer.phone,
    },
    shipping_address: addressOf(o.shippingAddress),
    billing_address: addressOf(o.billingAddress),
    line_items: o.lines.map((l) => lineItem(l.id)),
    fulfillments: o.fulfillments.map((f) => ({
      id: f.id, admin_graphql_api_id: gid('Fulfillment', f.id), order_id: o.id, created_at: f.createdAt, updated_at: f.createdAt,
      name: `#${o.number}.${o.fulfillments.indexOf(f) + 1}`, status: f.status === 'SUCCESS' ? 'success' : 'cancelled', shipment_status: null,
      tracking_company: f.trackingInfo[0]?.company ?? null, tracking_number: f.trackingInfo[0]?.number ?? null,
      tracking_numbers: f.trackingInfo.map((t) => t.number).filter(Boolean), tracking_url: f.trackingInfo[0]?.url ?? null,
      tracking_urls: f.trackingInfo.map((t) => t.url).filter(Boolean),
      line_items: f.lines.map((x) => ({ ...lineItem(x.lineId), quantity: x.quantity })),
    })),
    refunds: o.refunds.map((r) => ({
      id: r.id, admin_graphql_api_id: gid('Refund', r.id), order_id: o.id, created_at: r.createdAt, processed_at: r.createdAt, note: r.note,
      restock: r.lines.some((x) => x.restockType !== 'NO_RESTOCK'),
      refund_line_items: r.lines.map((x) => {
        const l = o.lines.find((y) => y.id === x.lineId)!
        return {
          id: x.id, line_item_id: x.lineId, quantity: x.quantity, restock_type: x.restockType.toLowerCase(),
          subtotal: money(Number(l.discountedPrice) * x.quantity), subtotal_set: set(money(Number(l.discountedPrice) * x.quantity), o.currency),
          line_item: lineItem(x.lineId),
        }
      }),
      transactions: r.transactions.map((t) => ({ amount: t.amount, kind: t.kind.toLowerCase(), gateway: t.gateway, status: 'success', currency: o.currency })),
    })),
  }
}

export interface SendWebhookInput {
  /** orders/create, orders/updated, app/uninstalled, … */
  topic: string
  /** An object is sent as JSON; a Buffer as is (byte-exact HMAC tests). */
  body: unknown
  secret: string
  /**
   * Shopify keeps X-Shopify-Webhook-Id across the retries of one delivery (it is the key to
   * drop duplicates by), so pass the same id to simulate a retry. Default: a new UUID.
   */
  webhookId?: string
  /** X-Shopify-Event-Id: the event behind the webhook; several topics can share it. Default: a new UUID. */
  eventId?: string
  shop?: string
  triggeredAt?: Date | string
  apiVersion?: string
  /** A header value to send instead of the real signature (forgery tests). */
  hmac?: string
  headers?: Record<string, string>
}

/** Posts a webhook as Shopify does; answers what the receiver said and how long it took. */
export async function sendShopifyWebhook(url: string, input: SendWebhookInput): Promise<{ status: number; body: string; ms: number }> {
  const raw = Buffer.isBuffer(input.body) ? input.body : Buffer.from(JSON.stringify(input.body))
  const hmac = input.hmac ?? createHmac('sha256', input.secret).update(raw).digest('base64')
  const triggered = input.triggeredAt ? new Date(input.triggeredAt).toISOString() : new Date().toISOString()
  const started = performance.now()
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': input.topic,
      'X-Shopify-Hmac-Sha256': hmac,
      'X-Shopify-Shop-Domain': input.shop ?? 'wismo-test.myshopify.com',
      'X-Shopify-Webhook-Id': input.webhookId ?? randomUUID(),
      'X-Shopify-Event-Id': input.eventId ?? randomUUID(),
      'X-Shopify-Triggered-At': triggered,
      'X-Shopify-API-Version': input.apiVersion ?? '2025-04',
      ...input.headers,
    },
    body: new Uint8Array(raw),
  })
  const body = await res.text()
  return { status: res.status, body, ms: performance.now() - started }
}
