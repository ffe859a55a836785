/**
 * Carrier webhooks: EasyPost, AfterShip and Shippo push tracking updates here.
 *
 * The order of checks is the point: the signature is verified over the raw bytes before
 * anything is stored (an unsigned request leaves no trace and gets 401); a signed body is read
 * (its event id is the replay key) and stored raw, then answered at once — 202 accepted — and
 * applied after the answer by a small in-process queue (src/feeds/apply-queue.ts); a process that
 * stops in between leaves it stored, and the next sweep applies it, exactly once either way (the
 * message's claim). A storm is answered at the speed of one INSERT per delivery, and applied as
 * fast as the database allows. A delivery under an event id already stored is a replay: 200
 * "duplicate", nothing changes. A signed body wismo cannot read is stored and quarantined with
 * the reason at once (400: providers retry on 5xx, and retrying such a body would never help).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { DomainError } from '../../domain/errors.ts'
import { ingestMessage, storeInbound } from '../../store/inbound.ts'
import { ApplyQueue } from '../../feeds/apply-queue.ts'
import { readJson, type NormalizedWebhook, type WebhookHeaders } from '../../carriers/webhooks/common.ts'
import * as easypost from '../../carriers/webhooks/easypost.ts'
import * as aftership from '../../carriers/webhooks/aftership.ts'
import * as shippo from '../../carriers/webhooks/shippo.ts'

type Config = AppDeps['config']

/** One provider: where it posts, how it proves itself, how its body is read. */
interface Provider {
  key: 'easypost' | 'aftership' | 'shippo'
  label: string
  /** What to set so the webhook works (named in the "not configured" answer). */
  settings: string
  proof: string
  configured(c: Config): boolean
  verify(raw: Buffer, headers: WebhookHeaders, query: { token?: string }, c: Config, now: Date): boolean
  normalize(body: unknown): NormalizedWebhook
}

const PROVIDERS: Provider[] = [
  {
    key: 'easypost', label: 'EasyPost', settings: 'EASYPOST_WEBHOOK_SECRET',
    proof: 'X-Hmac-Signature: hmac-sha256-hex=<HMAC-SHA256 of the body>',
    configured: (c) => Boolean(c.easypostWebhookSecret),
    verify: (raw, h, _q, c, now) => easypost.verify(raw, h, c.easypostWebhookSecret ?? '', now),
    normalize: easypost.normalize,
  },
  {
    key: 'aftership', label: 'AfterShip', settings: 'AFTERSHIP_WEBHOOK_SECRET',
    proof: 'aftership-hmac-sha256: <base64 HMAC-SHA256 of the body>',
    configured: (c) => Boolean(c.aftershipWebhookSecret),
    verify: (raw, h, _q, c, now) => aftership.verify(raw, h, c.aftershipWebhookSecret ?? '', now),
    normalize: aftership.normalize,
  },
  {
    key: 'shippo', label: 'Shippo', settings: 'SHIPPO_WEBHOOK_SECRET or SHIPPO_WEBHOOK_TOKEN',
    proof: 'Shippo-Auth-Signature: t=<unix seconds>,v1=<HMAC-SHA256 of "t.body"> (within 5 minutes), or ?token=<SHIPPO_WEBHOOK_TOKEN>',
    configured: (c) => Boolean(c.shippoWebhookSecret || c.shippoWebhookToken),
    verify: (raw, h, q, c, now) =>
      shippo.verify(raw, h, { secret: c.shippoWebhookSecret, token: c.shippoWebhookToken, givenToken: q.token ?? null }, now),
    normalize: shippo.normalize,
  },
]

const WebhookResultSchema = z.object({
  outcome: z.enum(['accepted', 'duplicate', 'quarantined']),
  messageId: z.number().int().describe('the stored inbound message (wismo feeds)'),
  events: z.number().int().optional().describe('carrier events read from the body (history included); applied after the answer'),
  duplicateOf: z.number().int().optional(),
  reason: z.string().optional().describe('why a signed body could not be applied'),
})

/** The body read ahead of storing it: its event id is the replay key. */
type Read = { ok: true; value: NormalizedWebhook } | { ok: false; error: DomainError }

function readBody(p: Provider, raw: Buffer): Read {
  try {
    return { ok: true, value: p.normalize(readJson(raw)) }
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, error: err }
    throw err
  }
}

/** What the handler needs of the request: the raw body, the headers, the query. */
interface Delivery {
  body: unknown
  headers: WebhookHeaders
  query: { token?: string }
}

async function receive(deps: AppDeps, applying: ApplyQueue, p: Provider, req: Delivery, reply: FastifyReply) {
  if (!p.configured(deps.config)) {
    const message = `the ${p.label} webhook is not configured: set ${p.settings}`
    return reply.code(401).send({ error: { code: 'WEBHOOK_NOT_CONFIGURED', message } })
  }
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
  const now = deps.clock.now()
  if (!p.verify(raw, req.headers, req.query, deps.config, now)) {
    return reply.code(401).send({ error: { code: 'WEBHOOK_SIGNATURE_INVALID', message: `a valid ${p.label} signature is required (${p.proof})` } })
  }
  const input = { kind: 'carrier_webhook' as const, source: `webhook:${p.key}`, body: raw, receivedAt: now }
  const read = readBody(p, raw)
  if (!read.ok) {
    // Kept for a rep with the reason, at once: the provider is told now, not after a queue.
    const o = await ingestMessage(deps.db, { ...input, dedupeKey: null }, async () => {
      throw read.error
    })
    if (o.outcome === 'duplicate') return reply.code(200).send({ outcome: 'duplicate', messageId: o.messageId, duplicateOf: o.duplicateOf })
    return reply.code(400).send({ outcome: 'quarantined', messageId: o.messageId, reason: o.outcome === 'quarantined' ? o.reason : 'not readable' })
  }
  // Event ids are the provider's own: keyed by provider so two providers' ids never collide.
  const stored = await storeInbound(deps.db, { ...input, dedupeKey: `${p.key}:${read.value.eventId}` })
  if (stored.duplicateOf !== null) return reply.code(200).send({ outcome: 'duplicate', messageId: stored.messageId, duplicateOf: stored.duplicateOf })
  applying.push(stored.messageId)
  return reply.code(202).send({ outcome: 'accepted', messageId: stored.messageId, events: read.value.events.length })
}

/** The three webhook routes, in their own scope: there the body stays raw bytes (the signature is over them). */
export async function registerCarrierWebhookRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // Two applies at a time leave the rest of the pool to the answers (a PGlite database runs one statement at a time anyway).
  const applying = new ApplyQueue(deps, deps.webhookApplyConcurrency ?? 2)
  app.addHook('onClose', () => applying.close())
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) => done(null, body))
    const r = scope.withTypeProvider<ZodTypeProvider>()
    for (const p of PROVIDERS) {
      r.post(
        `/api/carriers/${p.key}/webhook`,
        {
          schema: {
            tags: ['carrier'],
            summary: `Receive a ${p.label} tracking webhook`,
            description:
              `Authentication: ${p.proof}; set ${p.settings}. Unsigned, wrongly signed or stale requests get 401 and nothing is stored. ` +
              'A signed body is stored and answered 202 accepted at once, then applied; one that cannot be read is stored and quarantined with the reason (400); the same event again is 200 duplicate.',
            querystring: z.object({ token: z.string().max(512).optional().describe('Shippo URL token (accounts without HMAC signing)') }),
            response: { 200: WebhookResultSchema, 202: WebhookResultSchema, 400: z.union([WebhookResultSchema, ErrorSchema]), 401: ErrorSchema },
          },
        },
        (req, reply) => receive(deps, applying, p, req, reply),
      )
    }
  })
}
