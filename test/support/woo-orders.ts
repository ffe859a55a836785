/**
 * WooCommerce REST v3 documents for tests: order resources as the store sends them (component
 * `shop_order` of test/fixtures/woocommerce/woocommerce-openapi-3.0.x.yml) and webhook deliveries.
 */
import { createHmac } from 'node:crypto'

export interface WooLineInput {
  name: string
  sku?: string
  quantity: number
  /** Unit price before tax. */
  price: number
  productId?: number
  variationId?: number
  /** Line meta ({key: value}), e.g. `{ _wismo_supplier: 'Acme' }` or `{ pa_vendor: 'acme' }`. */
  meta?: Record<string, unknown>
  /** Tax rate as a fraction (0.08). */
  taxRate?: number
}

export interface WooOrderInput {
  id: number
  number?: string
  status?: string
  createdAt: Date
  modifiedAt?: Date
  paidAt?: Date | null
  email?: string
  phone?: string
  firstName?: string
  lastName?: string
  postcode?: string
  country?: string
  shippingTotal?: number
  lines?: WooLineInput[]
  meta?: Record<string, unknown>
}

/** WooCommerce's `*_gmt` format: UTC without a zone letter. */
export function gmt(d: Date): string {
  return d.toISOString().slice(0, 19)
}

const money = (n: number) => n.toFixed(2)

/** A full order resource, as GET /wp-json/wc/v3/orders/{id} answers it. Line ids are order id × 100 + index. */
export function buildWooOrder(input: WooOrderInput): Record<string, any> {
  const lines = (input.lines ?? [{ name: 'Walnut side table', sku: 'TBL-WAL', quantity: 1, price: 120, taxRate: 0.08 }]).map((l, i) => {
    const total = l.price * l.quantity
    const tax = Math.round(total * (l.taxRate ?? 0) * 100) / 100
    return {
      id: input.id * 100 + i + 1,
      name: l.name,
      product_id: l.productId ?? 500 + i,
      variation_id: l.variationId ?? 0,
      quantity: l.quantity,
      tax_class: '',
      subtotal: money(total),
      subtotal_tax: money(tax),
      total: money(total),
      total_tax: money(tax),
      taxes: tax > 0 ? [{ id: 1, total: money(tax), subtotal: money(tax) }] : [],
      meta_data: Object.entries(l.meta ?? {}).map(([key, value], j) => ({ id: 9000 + j, key, value, display_key: key, display_value: value })),
      sku: l.sku ?? '',
      price: l.price,
      parent_name: null,
    }
  })
  const shipping = input.shippingTotal ?? 9.95
  const itemsTotal = lines.reduce((s, l) => s + Number(l.total), 0)
  const taxTotal = lines.reduce((s, l) => s + Number(l.total_tax), 0)
  const address = {
    first_name: input.firstName ?? 'Dana',
    last_name: input.lastName ?? 'Whitfield',
    company: '',
    address_1: '12 Orchard Lane',
    address_2: '',
    city: 'Burlington',
    state: 'VT',
    postcode: input.postcode ?? '05401',
    country: input.country ?? 'US',
  }
  const modified = input.modifiedAt ?? input.createdAt
  const paid = input.paidAt === undefined ? input.createdAt : input.paidAt
  return {
    id: input.id,
    parent_id: 0,
    number: input.number ?? String(input.id),
    order_key: `wc_order_${input.id}abc`,
    created_via: 'checkout',
    version: '9.4.2',
    status: input.status ?? 'processing',
    currency: 'USD',
    date_created: gmt(input.createdAt),
    date_created_gmt: gmt(input.createdAt),
    date_modified: gmt(modified),
    date_modified_gmt: gmt(modified),
    discount_total: '0.00',
    discount_tax: '0.00',
    shipping_total: money(shipping),
    shipping_tax: '0.00',
    cart_tax: money(taxTotal),
    total: money(itemsTotal + taxTotal + shipping),
    total_tax: money(taxTotal),
    prices_include_tax: false,
    customer_id: 0,
    customer_ip_address: '203.0.113.7',
    customer_user_agent: 'Mozilla/5.0',
    customer_note: '',
    billing: { ...address, email: input.email ?? 'dana@example.com', phone: input.phone ?? '+18025550143' },
    shipping: { ...address, phone: '' },
    payment_method: 'stripe',
    payment_method_title: 'Credit card',
    transaction_id: `ch_${input.id}`,
    date_paid: paid ? gmt(paid) : null,
    date_paid_gmt: paid ? gmt(paid) : null,
    date_completed: null,
    date_completed_gmt: null,
    cart_hash: 'f3c1e0',
    meta_data: Object.entries(input.meta ?? {}).map(([key, value], j) => ({ id: 8000 + j, key, value })),
    line_items: lines,
    tax_lines: taxTotal > 0 ? [{ id: 1, rate_code: 'US-VT-TAX-1', rate_id: 1, label: 'Tax', compound: false, tax_total: money(taxTotal), shipping_tax_total: '0.00', meta_data: [] }] : [],
    shipping_lines: [{ id: input.id * 100 + 99, method_title: 'Flat rate', method_id: 'flat_rate', instance_id: '1', total: money(shipping), total_tax: '0.00', taxes: [], meta_data: [] }],
    fee_lines: [],
    coupon_lines: [],
    refunds: [],
    set_paid: false,
  }
}

/** base64(HMAC-SHA256(body, secret)), as WooCommerce signs a delivery. */
export function signWoo(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64')
}

/**
 * Posts a delivery as WooCommerce does: JSON body, X-WC-Webhook-* headers, signed with `secret`
 * unless `signature` forges one (`null`: no signature header at all).
 */
export async function sendWooWebhook(
  url: string,
  opts: { topic: string; body: unknown; secret: string; deliveryId?: string; signature?: string | null; webhookId?: string; source?: string },
): Promise<{ status: number; text: string }> {
  const raw = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body))
  const [resource, event] = opts.topic.split('.')
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)',
    'x-wc-webhook-source': opts.source ?? 'http://shop.example.test/',
    'x-wc-webhook-topic': opts.topic,
    'x-wc-webhook-resource': resource ?? '',
    'x-wc-webhook-event': event ?? '',
    'x-wc-webhook-id': opts.webhookId ?? '7',
    'x-wc-webhook-delivery-id': opts.deliveryId ?? String(Math.floor(Math.random() * 1e9)),
  }
  const signature = opts.signature === undefined ? signWoo(raw, opts.secret) : opts.signature
  if (signature !== null) headers['x-wc-webhook-signature'] = signature
  const res = await fetch(url, { method: 'POST', headers, body: new Uint8Array(raw) })
  return { status: res.status, text: await res.text() }
}

/** The delivery WooCommerce sends when a webhook is saved: form-encoded, unsigned, no topic. */
export async function sendWooPing(url: string, webhookId = '7'): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-wc-webhook-source': 'http://shop.example.test/' },
    body: `webhook_id=${webhookId}`,
  })
  return { status: res.status, text: await res.text() }
}
