/**
 * A WooCommerce REST v3 order resource (GET /wp-json/wc/v3/orders/{id}, and the body of the
 * `order.created` / `order.updated` webhooks, which is the same resource) → wismo's PlatformOrder.
 * Field names from the OpenAPI component `shop_order` (test/fixtures/woocommerce/).
 * Pure: no clock, no network.
 */
import { z } from 'zod'
import { DomainError } from '../../domain/errors.ts'
import type { PlatformLine, PlatformOrder } from '../platform.ts'

/** Meta keys (on a line) that name the supplier, first found wins: wismo's own, then the usual plugin/attribute keys. */
export const DEFAULT_VENDOR_KEYS: readonly string[] = ['_wismo_supplier', 'vendor', 'pa_vendor', 'brand', 'pa_brand']

// WooCommerce sends ids as integers, but the OpenAPI file types product_id as a string; take both.
const Id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'expected an integer id')], { error: 'expected an integer id' }).transform(Number)
// Money is a decimal string ("12.50"); some plugins send numbers.
const moneyError = 'expected a decimal amount like "12.50"'
const Money = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, moneyError)], { error: moneyError }).transform(Number)
// `*_gmt` dates are UTC written without a zone ("2026-11-30T14:05:00"); accept a trailing Z too.
const GmtDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/, 'expected a GMT date like 2026-11-30T14:05:00')
  .transform((s) => new Date(s.endsWith('Z') ? s : `${s}Z`))
const Text = z.string().nullish().transform((s) => (s == null || s.trim() === '' ? null : s.trim()))

const MetaSchema = z.object({
  key: z.string(),
  // Meta values are any JSON (the OpenAPI file says string); only strings can name a vendor.
  value: z.unknown(),
  display_value: z.unknown().optional(),
})

const AddressSchema = z.object({
  first_name: Text,
  last_name: Text,
  postcode: Text,
  country: Text,
  email: Text.optional(),
  phone: Text.optional(),
})

const LineItemSchema = z.object({
  id: Id,
  name: z.string(),
  product_id: Id.nullish(),
  variation_id: Id.nullish(),
  quantity: z.number().int().nonnegative(),
  subtotal: Money.optional(),
  total_tax: Money.nullish(),
  sku: z.string().nullish(),
  price: z.union([z.number(), z.string()]).nullish(),
  meta_data: z.array(MetaSchema).default([]),
})

export const WooOrderSchema = z.object({
  id: Id,
  number: z.union([z.string().min(1), z.number().int()]).transform(String),
  status: z.string(),
  date_created_gmt: GmtDate,
  date_modified_gmt: GmtDate,
  date_paid_gmt: GmtDate.nullish(),
  shipping_total: Money.nullish(),
  billing: AddressSchema,
  // A virtual order may have no shipping address at all.
  shipping: AddressSchema.partial().nullish(),
  line_items: z.array(LineItemSchema),
})
export type WooOrder = z.infer<typeof WooOrderSchema>

/** One refund as GET /orders/{id}/refunds returns it: refunded lines carry a negative `quantity` and `_refunded_item_id` meta. */
const RefundSchema = z.object({
  id: Id,
  reason: z.string().nullish(),
  line_items: z
    .array(
      z.object({
        quantity: z.number(),
        meta_data: z.array(MetaSchema).default([]),
        // Newer WooCommerce also names the order line directly.
        refunded_item_id: Id.optional(),
      }),
    )
    .default([]),
})
export const WooRefundsSchema = z.array(RefundSchema)
export type WooRefund = z.infer<typeof RefundSchema>

export interface WooMapOptions {
  /**
   * The order's refunds in full (the body of GET /orders/{id}/refunds). The order resource's own
   * `refunds` array holds only id, reason and total, never which lines or how many units, so
   * without this wismo cannot tell a refund of money from a refund of goods: `currentQty` stays
   * `qty` (a money-only refund — a goodwill discount, shipping — must not cancel a line). With
   * it, each line's `currentQty` is `qty` less the units refunded against it.
   *
   * The client's backfill and the webhook path do not pass it today: a webhook body and a stored
   * page carry no refund lines, and an order must read the same whichever way it arrived (else a
   * webhook after a sync would put refunded units back). Counting them means fetching the detail
   * on every path that reads an order.
   */
  refunds?: unknown
  /** Line meta keys naming the supplier, first found wins (default DEFAULT_VENDOR_KEYS). */
  vendorKeys?: readonly string[]
}

/**
 * Reads a WooCommerce order resource. Throws `DomainError('PLATFORM_ORDER_INVALID')` naming the
 * first bad field (`line_items.0.quantity: …`) when the body is not one.
 */
export function wooOrderToPlatform(o: unknown, opts: WooMapOptions = {}): PlatformOrder {
  const order = parseOrThrow(WooOrderSchema, o, 'order')
  const refunds = opts.refunds === undefined ? null : parseOrThrow(WooRefundsSchema, opts.refunds, 'refunds')
  const refunded = refunds ? refundedUnits(refunds) : new Map<number, number>()
  const updatedAt = order.date_modified_gmt
  const ship = order.shipping ?? {}
  return {
    platform: 'woocommerce',
    platformOrderId: String(order.id),
    number: order.number.replace(/^#/, ''),
    placedAt: order.date_created_gmt,
    updatedAt,
    paidAt: order.date_paid_gmt ?? null,
    // 'refunded' is the status WooCommerce gives an order refunded in full: nothing left to ship.
    cancelledAt: order.status === 'cancelled' || order.status === 'refunded' ? updatedAt : null,
    email: order.billing.email ?? null,
    phone: order.billing.phone ?? null,
    name: fullName(ship.first_name, ship.last_name) ?? fullName(order.billing.first_name, order.billing.last_name),
    postalCode: ship.postcode ?? order.billing.postcode,
    // A virtual order has no shipping country; the billing one still tells the customer's country.
    country: (ship.country ?? order.billing.country)?.toUpperCase() ?? null,
    shipping: order.shipping_total ?? null,
    lines: order.line_items.map((l) => toLine(l, refunded.get(l.id) ?? 0, opts.vendorKeys ?? DEFAULT_VENDOR_KEYS)),
  }
}

function toLine(l: WooOrder['line_items'][number], refundedQty: number, vendorKeys: readonly string[]): PlatformLine {
  const variant = l.variation_id || l.product_id || null
  return {
    platformLineId: String(l.id),
    variantId: variant ? String(variant) : null,
    sku: l.sku?.trim() ? l.sku.trim() : null,
    title: l.name,
    vendor: findVendor(l.meta_data, vendorKeys),
    qty: l.quantity,
    currentQty: Math.max(0, l.quantity - refundedQty),
    unitPrice: unitPrice(l),
    tax: l.total_tax ?? null,
  }
}

/** `price` is the line total after discounts over its units; an old store without it: subtotal over units. */
function unitPrice(l: WooOrder['line_items'][number]): number | null {
  const price = typeof l.price === 'string' ? Number(l.price) : l.price
  if (price != null && Number.isFinite(price)) return price
  if (l.subtotal != null && l.quantity > 0) return Math.round((l.subtotal / l.quantity) * 100) / 100
  return null
}

function findVendor(meta: z.infer<typeof MetaSchema>[], keys: readonly string[]): string | null {
  for (const key of keys) {
    const m = meta.find((x) => x.key === key)
    if (!m) continue
    // A variation attribute's value is the term slug ("acme-supply"); display_value is its name.
    for (const v of [m.display_value, m.value]) {
      if (typeof v === 'string' && v.trim() !== '') return v.trim()
    }
  }
  return null
}

/** Units refunded per order line id, summed over the refunds (refund lines count negative). */
export function refundedUnits(refunds: WooRefund[]): Map<number, number> {
  const out = new Map<number, number>()
  for (const r of refunds) {
    for (const item of r.line_items) {
      const ref = item.refunded_item_id ?? Number(item.meta_data.find((m) => m.key === '_refunded_item_id')?.value)
      if (!Number.isInteger(ref) || ref <= 0) continue
      out.set(ref, (out.get(ref) ?? 0) + Math.abs(item.quantity))
    }
  }
  return out
}

function fullName(first: string | null | undefined, last: string | null | undefined): string | null {
  const name = [first, last].filter((s) => s).join(' ')
  return name === '' ? null : name
}

function parseOrThrow<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body)
  if (r.success) return r.data
  const problems = r.error.issues.slice(0, 10).map((i) => `${i.path.map(String).join('.') || what}: ${i.message}`)
  throw new DomainError('PLATFORM_ORDER_INVALID', `not a WooCommerce ${what}: ${problems[0]}`, { details: problems.slice(1) })
}
