/**
 * A store platform as wismo sees it (DESIGN.md "Where orders and supplier news really come from"):
 * orders read from it in one shape whichever platform sent them, and the few things wismo asks
 * of it in return. Shopify (src/connect/shopify/) and WooCommerce (src/connect/woocommerce/)
 * each turn their own documents into `PlatformOrder` and carry out `PlatformClient`'s calls.
 */

export type Platform = 'shopify' | 'woocommerce'
export const PLATFORMS: readonly Platform[] = ['shopify', 'woocommerce']

/** One line of a platform order. */
export interface PlatformLine {
  /** The platform's own id of the line (Shopify: the LineItem GID; WooCommerce: the line item id). */
  platformLineId: string
  /** The variant/product id, used as the SKU when the line has none. */
  variantId: string | null
  sku: string | null
  /** The product's name as the customer saw it. */
  title: string
  /** Who supplies it, as the product names it (Shopify `vendor`, a mapped WooCommerce attribute). */
  vendor: string | null
  /** Units ordered. */
  qty: number
  /** Units still wanted: `qty` less what an edit, a cancellation or a refund on the platform took away. */
  currentQty: number
  /** What the customer paid per unit, before tax. */
  unitPrice: number | null
  /** The line's tax, all units. */
  tax: number | null
}

export interface PlatformOrder {
  platform: Platform
  /** The platform's own id (Shopify: the Order GID; WooCommerce: the order id). */
  platformOrderId: string
  /** The number the customer knows, without `#` ("1001"). */
  number: string
  placedAt: Date
  /** The platform's last change: a version older than the one applied never rolls an order back. */
  updatedAt: Date
  paidAt: Date | null
  cancelledAt: Date | null
  email: string | null
  phone: string | null
  name: string | null
  postalCode: string | null
  /** ISO 3166-1 alpha-2. */
  country: string | null
  /** The order's shipping and handling charge. */
  shipping: number | null
  lines: PlatformLine[]
}

/** A line as a call back to the platform names it. */
export interface PlatformLineRef {
  platformLineId: string
  qty: number
}

export interface Tracking {
  carrier: string | null
  number: string
  url: string | null
}

/**
 * What wismo asks of a platform. Every call carries a `key` unique to what it asks; a platform
 * client makes a call asked twice (a retry after a crash, after a timeout whose request did go
 * through) land once: it looks for what the key left behind before acting.
 */
export interface PlatformClient {
  readonly platform: Platform
  /** Backfill: pages of orders updated at or after `since`, resuming after `cursor`. */
  orderPages(opts: { since: Date | null; cursor: string | null }): AsyncIterable<OrderPage>
  /** Holds the lines from being fulfilled (Shopify: a fulfillment hold; WooCommerce: the order on hold, with a note). */
  hold(input: { key: string; platformOrderId: string; lines: PlatformLineRef[]; reason: HoldReason; note: string }): Promise<{ holdId: string }>
  release(input: { key: string; platformOrderId: string; holdId: string; note: string }): Promise<void>
  /** Marks the lines fulfilled with the tracking; the platform must not tell the customer (wismo does). */
  fulfill(input: { key: string; platformOrderId: string; lines: PlatformLineRef[]; tracking: Tracking }): Promise<{ fulfillmentId: string }>
  /**
   * Cancels the lines on the platform: refunded there (`refund`, with the amount), or only
   * taken off the order with the refund left to the retailer.
   */
  cancel(input: { key: string; platformOrderId: string; lines: PlatformLineRef[]; wholeOrder: boolean; refund: boolean; amount: number; note: string }): Promise<{ id: string }>
  /** Subscribes the shop's order webhooks to `url` (platforms that let an app do it: Shopify); each topic once. */
  subscribe?(url: string): Promise<{ created: string[]; existing: string[] }>
  /** Puts the link to the order's wismo page on the order. */
  link(input: { key: string; platformOrderId: string; url: string }): Promise<void>
}

export type HoldReason = 'INVENTORY_OUT_OF_STOCK' | 'UNKNOWN_DELIVERY_DATE'

export interface OrderPage {
  orders: PlatformOrder[]
  /** Where the next page starts; null after the last. */
  cursor: string | null
  /** The page as the platform sent it (stored raw before it is applied). */
  raw: Buffer
}

/** A call the platform refused or could not take. `retryable`: try again later (rate limits, 5xx, the network). */
export class PlatformCallError extends Error {
  readonly retryable: boolean
  /** The platform revoked the credentials (401/403): the connection stops until reconnected. */
  readonly revoked: boolean
  constructor(message: string, opts: { retryable: boolean; revoked?: boolean; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'PlatformCallError'
    this.retryable = opts.retryable
    this.revoked = opts.revoked ?? false
  }
}
