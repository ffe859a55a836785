/**
 * WooCommerce webhook deliveries: the signature check and the headers that say what arrived.
 * WooCommerce signs each delivery with `X-WC-Webhook-Signature: base64(HMAC-SHA256(raw body, secret))`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** True when `header` is the HMAC of exactly these bytes under `secret`. Compared in constant time. */
export function verifyWooSignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false
  const expected = createHmac('sha256', secret).update(raw).digest()
  let given: Buffer
  try {
    given = Buffer.from(header.trim(), 'base64')
  } catch {
    return false
  }
  // Buffer.from(…, 'base64') skips what is not base64; re-encoding catches a header that only decodes to the right bytes.
  if (given.length !== expected.length || given.toString('base64') !== header.trim()) return false
  return timingSafeEqual(given, expected)
}

export interface WooDelivery {
  /** `order.created`, `order.updated`, `order.deleted`, `order.restored`, `action.woocommerce_…`; absent on the ping. */
  topic: string | undefined
  deliveryId: string | undefined
  webhookId: string | undefined
  /** The store's URL (`X-WC-Webhook-Source`), with its trailing slash. */
  source: string | undefined
  /** `X-WC-Webhook-Resource` and `-Event` (`order` / `updated`). */
  resource: string | undefined
  event: string | undefined
}

type Headers = Record<string, string | string[] | undefined>

/** What a delivery is, from its headers (as Node gives them: names lower-cased). */
export function readWooDelivery(headers: Headers): WooDelivery {
  return {
    topic: header(headers, 'x-wc-webhook-topic'),
    deliveryId: header(headers, 'x-wc-webhook-delivery-id'),
    webhookId: header(headers, 'x-wc-webhook-id'),
    source: header(headers, 'x-wc-webhook-source'),
    resource: header(headers, 'x-wc-webhook-resource'),
    event: header(headers, 'x-wc-webhook-event'),
  }
}

/**
 * The delivery WooCommerce sends when a webhook is saved (WC_Webhook::deliver_ping): a form body
 * `webhook_id=N`, with no topic and no signature. Answer it 200 and apply nothing.
 */
export function isWooPing(delivery: WooDelivery, raw: Buffer): boolean {
  return delivery.topic === undefined && /^webhook_id=\d{1,12}$/.test(raw.toString('latin1').trim())
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name]
  const s = Array.isArray(v) ? v[0] : v
  return s && s.trim() !== '' ? s.trim() : undefined
}
