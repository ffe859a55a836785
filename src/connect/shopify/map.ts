/**
 * A Shopify order as a PlatformOrder, from either of the two shapes Shopify sends: the Admin
 * GraphQL `Order` (the backfill, src/connect/shopify/documents.ts `WismoOrder`) and the REST
 * order resource that `orders/create`, `orders/updated` and `orders/cancelled` webhooks carry.
 * Both name the same order by the same GID (`id` / `admin_graphql_api_id`), so a webhook and a
 * sync page land on the one wismo order.
 */
import { z } from 'zod'
import { DomainError } from '../../domain/errors.ts'
import type { PlatformLine, PlatformOrder } from '../platform.ts'

const money = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = Number(v)
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not an amount: ${JSON.stringify(v)}` })
    return z.NEVER
  }
  return n
})
const instant = z.string().transform((v, ctx) => {
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a date-time: ${JSON.stringify(v)}` })
    return z.NEVER
  }
  return d
})
const text = z.string().nullish().transform((v) => (v?.trim() ? v.trim() : null))
const shopMoney = z.object({ shopMoney: z.object({ amount: money }) }).nullish()
const country = text.transform((v) => (v && /^[A-Za-z]{2}$/.test(v) ? v.toUpperCase() : null))

// Shopify's financial statuses that mean the order was paid (the rule's clock starts at payment).
const PAID = new Set(['PAID', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'paid', 'partially_paid', 'partially_refunded', 'refunded'])

const GqlLine = z.object({
  id: z.string(),
  sku: text,
  name: z.string(),
  vendor: text,
  quantity: z.number().int().min(0),
  currentQuantity: z.number().int().min(0),
  variant: z.object({ id: z.string() }).nullish(),
  originalUnitPriceSet: shopMoney,
  taxLines: z.array(z.object({ priceSet: shopMoney })).default([]),
})

const GqlOrder = z.object({
  id: z.string().startsWith('gid://shopify/Order/'),
  name: z.string().min(1),
  email: text,
  phone: text,
  createdAt: instant,
  updatedAt: instant,
  processedAt: instant.nullish(),
  cancelledAt: instant.nullish(),
  displayFinancialStatus: text,
  customer: z.object({ firstName: text, lastName: text }).nullish(),
  shippingAddress: z.object({ name: text, zip: text, countryCodeV2: country, phone: text }).nullish(),
  billingAddress: z.object({ zip: text, countryCodeV2: country }).nullish(),
  totalShippingPriceSet: shopMoney,
  lineItems: z.object({ nodes: z.array(GqlLine) }),
})

const RestLine = z.object({
  id: z.number(),
  admin_graphql_api_id: z.string().nullish(),
  sku: text,
  name: z.string().nullish(),
  title: z.string().nullish(),
  vendor: text,
  quantity: z.number().int().min(0),
  current_quantity: z.number().int().min(0).nullish(),
  variant_id: z.number().nullish(),
  price: money.nullish(),
  tax_lines: z.array(z.object({ price: money })).default([]),
})

const RestOrder = z.object({
  id: z.number(),
  admin_graphql_api_id: z.string().nullish(),
  name: z.string().min(1),
  email: text,
  contact_email: text,
  phone: text,
  created_at: instant,
  updated_at: instant,
  processed_at: instant.nullish(),
  cancelled_at: instant.nullish(),
  financial_status: text,
  customer: z.object({ first_name: text, last_name: text, phone: text }).nullish(),
  shipping_address: z.object({ name: text, zip: text, country_code: country, phone: text }).nullish(),
  billing_address: z.object({ zip: text, country_code: country }).nullish(),
  total_shipping_price_set: z.object({ shop_money: z.object({ amount: money }) }).nullish(),
  line_items: z.array(RestLine),
  // Refunded line items (the refund's line items name the line and the quantity taken back).
  refunds: z.array(z.object({ refund_line_items: z.array(z.object({ line_item_id: z.number(), quantity: z.number().int() })).default([]) })).default([]),
})

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const where = issue.path.length > 0 ? issue.path.join('.') : '(the body)'
  throw new DomainError('PLATFORM_ORDER_INVALID', `${what}: ${where}: ${issue.message}`, {
    details: r.error.issues.slice(1, 10).map((i) => `${i.path.join('.') || '(the body)'}: ${i.message}`),
  })
}

const numberOf = (name: string) => name.replace(/^#/, '').trim()
const fullName = (a: string | null | undefined, b: string | null | undefined) => [a, b].filter(Boolean).join(' ') || null
const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) * 100) / 100

/** A GraphQL `WismoOrder` node. */
export function shopifyGraphqlOrder(node: unknown): PlatformOrder {
  const o = parse(GqlOrder, node, 'Shopify order')
  const lines: PlatformLine[] = o.lineItems.nodes.map((l) => ({
    platformLineId: l.id,
    variantId: l.variant?.id.replace(/^gid:\/\/shopify\/ProductVariant\//, '') ?? null,
    sku: l.sku,
    title: l.name,
    vendor: l.vendor,
    qty: l.quantity,
    currentQty: Math.min(l.quantity, l.currentQuantity),
    unitPrice: l.originalUnitPriceSet?.shopMoney.amount ?? null,
    tax: l.taxLines.length > 0 ? sum(l.taxLines.map((t) => t.priceSet?.shopMoney.amount ?? 0)) : null,
  }))
  return {
    platform: 'shopify',
    platformOrderId: o.id,
    number: numberOf(o.name),
    placedAt: o.createdAt,
    updatedAt: o.updatedAt,
    paidAt: o.displayFinancialStatus && PAID.has(o.displayFinancialStatus) ? (o.processedAt ?? o.createdAt) : null,
    cancelledAt: o.cancelledAt ?? null,
    email: o.email,
    phone: o.phone ?? o.shippingAddress?.phone ?? null,
    name: fullName(o.customer?.firstName, o.customer?.lastName) ?? o.shippingAddress?.name ?? null,
    postalCode: o.shippingAddress?.zip ?? o.billingAddress?.zip ?? null,
    country: o.shippingAddress?.countryCodeV2 ?? o.billingAddress?.countryCodeV2 ?? null,
    shipping: o.totalShippingPriceSet?.shopMoney.amount ?? null,
    lines,
  }
}

/**
 * A webhook's REST order. Its line items' `current_quantity` (REST 2023-01 and later) is what is
 * still wanted; without it, the quantities of the order's refunds are taken off (either reading
 * gives the same figure where both are present).
 */
export function shopifyRestOrder(body: unknown): PlatformOrder {
  const o = parse(RestOrder, body, 'Shopify order webhook')
  const refunded = new Map<number, number>()
  for (const r of o.refunds) for (const li of r.refund_line_items) refunded.set(li.line_item_id, (refunded.get(li.line_item_id) ?? 0) + li.quantity)
  const lines: PlatformLine[] = o.line_items.map((l) => ({
    platformLineId: l.admin_graphql_api_id ?? `gid://shopify/LineItem/${l.id}`,
    variantId: l.variant_id != null ? String(l.variant_id) : null,
    sku: l.sku,
    title: l.name ?? l.title ?? '',
    vendor: l.vendor,
    qty: l.quantity,
    currentQty: Math.max(0, Math.min(l.quantity, l.current_quantity ?? l.quantity - (refunded.get(l.id) ?? 0))),
    unitPrice: l.price ?? null,
    tax: l.tax_lines.length > 0 ? sum(l.tax_lines.map((t) => t.price)) : null,
  }))
  return {
    platform: 'shopify',
    platformOrderId: o.admin_graphql_api_id ?? `gid://shopify/Order/${o.id}`,
    number: numberOf(o.name),
    placedAt: o.created_at,
    updatedAt: o.updated_at,
    paidAt: o.financial_status && PAID.has(o.financial_status) ? (o.processed_at ?? o.created_at) : null,
    cancelledAt: o.cancelled_at ?? null,
    email: o.email ?? o.contact_email,
    phone: o.phone ?? o.customer?.phone ?? o.shipping_address?.phone ?? null,
    name: fullName(o.customer?.first_name, o.customer?.last_name) ?? o.shipping_address?.name ?? null,
    postalCode: o.shipping_address?.zip ?? o.billing_address?.zip ?? null,
    country: o.shipping_address?.country_code ?? o.billing_address?.country_code ?? null,
    shipping: o.total_shipping_price_set?.shop_money.amount ?? null,
    lines,
  }
}
