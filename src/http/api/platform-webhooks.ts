/**
 * Store platforms' webhooks (DESIGN.md "Store platforms"):
 *   POST /api/connect/shopify/webhooks      X-Shopify-Hmac-Sha256 over the raw body
 *   POST /api/connect/woocommerce/webhooks  X-WC-Webhook-Signature over the raw body
 *
 * The shop a delivery claims to come from only chooses which secret to check with: a body whose
 * proof fails under that shop's secret (or that names no connected shop) gets 401 and leaves no
 * trace. A proven body is stored raw and answered at once (202 accepted: platforms give up on a
 * webhook not answered within seconds), then applied in the background; a process that stops in
 * between leaves it stored, and the next sweep applies it. A delivery whose webhook id was
 * stored before is a replay: 200 duplicate, nothing changes.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { storeInbound } from '../../store/inbound.ts'
import { ApplyQueue } from '../../feeds/apply-queue.ts'
import { normalizeShop, noteWebhook } from '../../connect/connections.ts'
import { openCredentials } from '../../connect/credentials.ts'
import { webhookSource } from '../../connect/webhook-apply.ts'
import { verifyShopifyHmac } from '../../connect/shopify/webhook.ts'
import { readWooDelivery, verifyWooSignature } from '../../connect/woocommerce/webhook.ts'
import type { Platform } from '../../connect/platform.ts'

/** A platform's order bodies with a few hundred lines fit; anything larger is refused unread. */
const BODY_LIMIT = 2 * 1024 * 1024

const ResultSchema = z.object({
  outcome: z.enum(['accepted', 'duplicate', 'ping']),
  messageId: z.number().int().optional().describe('the stored inbound message (wismo feeds)'),
  duplicateOf: z.number().int().optional(),
})

const header = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined)

type Proof = { connectionId: number; shop: string; secret: string }

/**
 * What the webhook path keeps in memory per app: each shop's webhook secret for a few seconds (a
 * storm does not read and unseal it per delivery; a reconnection or an uninstall is seen within
 * SECRET_TTL_MS), when each connection's `last_webhook_at` was last written (at most once a second),
 * and the queue of stored deliveries to apply.
 */
const SECRET_TTL_MS = 5_000
interface Hot {
  secrets: Map<string, { at: number; proof: Proof | null }>
  noted: Map<number, number>
  applying: ApplyQueue
}

async function webhookSecretOf(deps: AppDeps, hot: Hot, platform: Platform, shop: string | undefined): Promise<Proof | null> {
  if (!shop) return null
  let normalized: string
  try {
    normalized = normalizeShop(platform, shop)
  } catch {
    return null
  }
  const key = `${platform} ${normalized}`
  const t = deps.clock.now().getTime()
  const cached = hot.secrets.get(key)
  if (cached && t - cached.at >= 0 && t - cached.at < SECRET_TTL_MS) return cached.proof
  const [row] = await deps.db.query<{ connection_id: number; credentials: string }>(
    `SELECT connection_id, credentials FROM platform_connections WHERE platform = $1 AND shop = $2 AND status <> 'uninstalled'`,
    [platform, normalized],
  )
  let proof: Proof | null = null
  if (row) {
    try {
      proof = { connectionId: row.connection_id, shop: normalized, secret: openCredentials<{ webhookSecret: string }>(row.credentials, deps.config.secret!, normalized).webhookSecret }
    } catch {
      proof = null
    }
  }
  if (hot.secrets.size > 1000) hot.secrets.clear()
  hot.secrets.set(key, { at: t, proof })
  return proof
}

const refused = (reply: FastifyReply, proof: string) =>
  reply.code(401).send({ error: { code: 'WEBHOOK_SIGNATURE_INVALID', message: `a valid signature of a connected shop is required (${proof})` } })

async function accept(deps: AppDeps, hot: Hot, reply: FastifyReply, input: { platform: Platform; connectionId: number; shop: string; topic: string; raw: Buffer; deliveryId: string | undefined }) {
  const now = deps.clock.now()
  const stored = await storeInbound(deps.db, {
    kind: 'platform_webhook', source: webhookSource(input.platform, input.shop, input.topic), body: input.raw, receivedAt: now,
    // The platform keeps a delivery's id across its retries: the same id again is a replay.
    dedupeKey: input.deliveryId ? `${input.platform}:${input.shop}:${input.deliveryId.slice(0, 200)}` : null,
  })
  // `wismo connect status` shows the last webhook to the second: written at most once a second.
  const last = hot.noted.get(input.connectionId)
  if (last === undefined || Math.abs(now.getTime() - last) >= 1000) {
    hot.noted.set(input.connectionId, now.getTime())
    await noteWebhook(deps.db, input.connectionId, now)
  }
  if (stored.duplicateOf !== null) return reply.code(200).send({ outcome: 'duplicate', messageId: stored.messageId, duplicateOf: stored.duplicateOf })
  // Applied after the answer; a failure leaves it stored for the sweep (finish-inbound.ts).
  hot.applying.push(stored.messageId)
  return reply.code(202).send({ outcome: 'accepted', messageId: stored.messageId })
}

export async function registerPlatformWebhookRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Two applies at a time leave the rest of the pool to the answers (a PGlite database runs one statement at a time anyway).
  const hot: Hot = { secrets: new Map(), noted: new Map(), applying: new ApplyQueue(deps, deps.webhookApplyConcurrency ?? 2) }
  app.addHook('onClose', () => hot.applying.close())
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body))
    const r = scope.withTypeProvider<ZodTypeProvider>()
    const shopifyProof = 'X-Shopify-Shop-Domain and X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the body with the webhook secret given to wismo connect shopify'
    r.post(
      '/api/connect/shopify/webhooks',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          tags: ['platform'],
          summary: 'Receive a Shopify webhook (orders/create, orders/updated, orders/cancelled, fulfillments/create, fulfillments/update, app/uninstalled)',
          description: `Authentication: ${shopifyProof}. A proven body is stored and answered 202 at once, then applied; X-Shopify-Webhook-Id seen before is 200 duplicate. Unproven: 401, nothing stored.`,
          response: { 200: ResultSchema, 202: ResultSchema, 400: ErrorSchema, 401: ErrorSchema },
        },
      },
      async (req, reply) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
        const conn = await webhookSecretOf(deps, hot, 'shopify', header(req.headers['x-shopify-shop-domain']))
        if (!conn || !verifyShopifyHmac(raw, req.headers['x-shopify-hmac-sha256'], conn.secret)) return refused(reply, shopifyProof)
        const topic = header(req.headers['x-shopify-topic'])
        if (!topic || !/^[a-z_]+\/[a-z_]+$/.test(topic)) {
          return reply.code(400).send({ error: { code: 'WEBHOOK_TOPIC_MISSING', message: 'X-Shopify-Topic is required (e.g. orders/updated)' } })
        }
        return accept(deps, hot, reply, { platform: 'shopify', connectionId: conn.connectionId, shop: conn.shop, topic, raw, deliveryId: header(req.headers['x-shopify-webhook-id']) })
      },
    )
    const wooProof = 'X-WC-Webhook-Source and X-WC-Webhook-Signature: base64 HMAC-SHA256 of the body with the webhook secret given to wismo connect woocommerce'
    r.post(
      '/api/connect/woocommerce/webhooks',
      {
        bodyLimit: BODY_LIMIT,
        schema: {
          tags: ['platform'],
          summary: 'Receive a WooCommerce webhook (order.created, order.updated, order.restored)',
          description: `Authentication: ${wooProof}. A proven body is stored and answered 202 at once, then applied; X-WC-Webhook-Delivery-ID seen before is 200 duplicate. WooCommerce's ping on saving a webhook is answered 200 ping. Unproven: 401, nothing stored.`,
          response: { 200: ResultSchema, 202: ResultSchema, 400: ErrorSchema, 401: ErrorSchema },
        },
      },
      async (req, reply) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
        const d = readWooDelivery(req.headers)
        // Saving a webhook in WooCommerce sends `webhook_id=N` once, unsigned: answered, not stored.
        if (!d.topic && /^webhook_id=\d{1,12}$/.test(raw.toString('latin1'))) return reply.code(200).send({ outcome: 'ping' })
        const conn = await webhookSecretOf(deps, hot, 'woocommerce', d.source)
        if (!conn || !verifyWooSignature(raw, header(req.headers['x-wc-webhook-signature']), conn.secret)) return refused(reply, wooProof)
        if (!d.topic || !/^[a-z_]+\.[a-z_]+$/.test(d.topic)) {
          return reply.code(400).send({ error: { code: 'WEBHOOK_TOPIC_MISSING', message: 'X-WC-Webhook-Topic is required (e.g. order.updated)' } })
        }
        return accept(deps, hot, reply, { platform: 'woocommerce', connectionId: conn.connectionId, shop: conn.shop, topic: d.topic, raw, deliveryId: d.deliveryId })
      },
    )
  })
}
