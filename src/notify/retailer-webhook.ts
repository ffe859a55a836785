/**
 * The signed webhook to the retailer's own systems: a JSON POST whose body is signed with
 * HMAC-SHA256 (`X-Wismo-Signature: sha256=<hex>`), with a stable `X-Wismo-Delivery` id so a
 * retry after an unknown outcome can be recognised.
 */
import { createHmac } from 'node:crypto'
import { DeliveryError } from './delivery-error.ts'

export interface WebhookSender {
  send(m: { body: string; deliveryId: string }): Promise<{ status: number }>
}

/** The signature header value for a body. */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** POSTs to the retailer's URL; 2xx is delivered, 4xx (but 408/429) final, the rest retried. */
export function createRetailerWebhook(o: { url: string; secret: string; timeoutMs?: number }): WebhookSender {
  return {
    async send(m) {
      let res: Response
      try {
        res = await fetch(o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-wismo-signature': signWebhookBody(m.body, o.secret), 'x-wismo-delivery': m.deliveryId },
          body: m.body,
          signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
        })
      } catch (err) {
        throw new DeliveryError(`retailer webhook unreachable: ${(err as Error).message}`, { permanent: false, cause: err })
      }
      await res.arrayBuffer().catch(() => {})
      if (res.ok) return { status: res.status }
      const retry = res.status >= 500 || res.status === 408 || res.status === 429
      throw new DeliveryError(`retailer webhook answered ${res.status}`, { permanent: !retry })
    },
  }
}
