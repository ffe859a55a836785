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

export type WooDelivery =
  | {
      kind: 'event'
      /** `order.created`, `order.updated`, `order.deleted`, `order.restored`, `action.woocommerce_…`. */
      topic: string
      deliveryId: string | null
      webhookId: string | null
      /** The store's URL (`X-WC-Webhook-Source`), with its trailing slash. */
      source: string | null
      /** `X-WC-Webhook-Resource` and `-Event` (`order` / `updated`). */
      resource: string | null
      event: string | null
    }
  /**
   * The delivery WooCommerce sends when a webhook is saved: a form body `webhook_id=N`, without a
   * topic or signature. Answer 200 and apply nothing.
   */
  | { kind: 'ping'; webhookId: string | null; source: string | null }

type Headers = Record<string, string | string[] | undefined>

/**
 * Reads what a delivery is from its headers (Node lower-cases their names). `body` (raw) is
 * needed only to tell WooCommerce's ping, which carries no topic, from a broken delivery.
 */
export function readWooDelivery(headers: Headers, body?: Buffer): WooDelivery | null {
  const topic = header(headers, 'x-wc-webhook-topic')
  const webhookId = header(headers, 'x-wc-webhook-id')
  const source = header(headers, 'x-wc-webhook-source')
  if (!topic) {
    const form = body ? new URLSearchParams(body.toString('utf8')) : null
    const pingId = form?.get('webhook_id')
    if (pingId && /^\d+$/.test(pingId)) return { kind: 'ping', webhookId: pingId, source }
    return null
  }
  return {
    kind: 'event',
    topic,
    deliveryId: header(headers, 'x-wc-webhook-delivery-id'),
    webhookId,
    source,
    resource: header(headers, 'x-wc-webhook-resource'),
    event: header(headers, 'x-wc-webhook-event'),
  }
}

function header(headers: Headers, name: string): string | null {
  const v = headers[name]
  const s = Array.isArray(v) ? v[0] : v
  return s && s.trim() !== '' ? s.trim() : null
}
