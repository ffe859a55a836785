/**
 * Shopify's webhook proof: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body
 * under the app's secret (the one given to `wismo connect shopify --webhook-secret`). Compared
 * in constant time; a missing or malformed header is a failed proof, never an exception.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export function verifyShopifyHmac(raw: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || header.length === 0 || header.length > 128 || !secret) return false
  const expected = createHmac('sha256', secret).update(raw).digest()
  const given = Buffer.from(header, 'base64')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** The topics wismo subscribes to (DESIGN.md "Store platforms"); any other is stored and ignored. */
export const SHOPIFY_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled', 'fulfillments/create', 'fulfillments/update', 'app/uninstalled'] as const
