import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { verifySupplierKey } from '../../store/supplier-keys.ts'
import { ingestSupplierFeed } from '../../feeds/ingest-file.ts'

// text/plain keeps fastify's own parser (a string); the route takes either.
const FEED_TYPES = ['application/edi-x12', 'text/csv', 'application/octet-stream']

const FeedResultSchema = z.object({
  outcome: z.enum(['applied', 'duplicate', 'quarantined']),
  messageId: z.number().int(),
  summary: z.array(z.string()).optional(),
  duplicateOf: z.number().int().optional(),
  reason: z.string().optional(),
  acknowledgment: z.string().nullable().describe('the X12 997 answering the interchange, when there is one'),
})

const AckListSchema = z.array(
  z.object({ messageId: z.number().int().nullable(), interchangeControl: z.string().nullable(), createdAt: z.string(), body: z.string() }),
)

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization
  if (h?.startsWith('Bearer ')) return h.slice(7).trim()
  const k = req.headers['x-api-key']
  return typeof k === 'string' ? k : undefined
}

const UNAUTHORIZED = { error: { code: 'AUTH_INVALID', message: 'a valid supplier API key is required (Authorization: Bearer …)' } }

/** Supplier feed delivery over HTTP, with a per-supplier API key. */
export function registerSupplierFeedRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.addContentTypeParser(FEED_TYPES, { parseAs: 'buffer', bodyLimit: 256 * 1024 * 1024 }, (_req, body, done) => done(null, body))
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.post(
    '/api/suppliers/:id/feeds',
    {
      schema: {
        tags: ['supplier'],
        summary: "Deliver a supplier feed (X12 855/856/870/846/214, a 997/999 answering wismo's 850/860, or the CSV status feed)",
        description:
          'The raw file is the body (Content-Type application/edi-x12, text/csv, text/plain or application/octet-stream). It is stored before it is applied; a replay (the same content from this supplier) is reported as a duplicate; a file that cannot be read, or whose X12 sender is another supplier, is quarantined (422) with the reason; an X12 file is applied interchange by interchange. The key changes only this supplier\'s own lines, offers and shipments. Authorization: Bearer <the supplier API key> (wismo supplier-key ID).',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ filename: z.string().max(255).optional() }),
        response: { 200: FeedResultSchema, 401: ErrorSchema, 422: FeedResultSchema, 400: ErrorSchema },
      },
    },
    async (req, reply) => {
      if (!(await verifySupplierKey(deps.db, req.params.id, bearer(req)))) return reply.code(401).send(UNAUTHORIZED)
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : '')
      const o = await ingestSupplierFeed(deps.db, {
        body, filename: req.query.filename ?? null, supplierId: req.params.id, source: 'api', receivedAt: deps.clock.now(),
      })
      const base = { outcome: o.outcome, messageId: o.messageId, acknowledgment: o.acknowledgment ?? null }
      if (o.outcome === 'applied') return { ...base, summary: o.summary }
      if (o.outcome === 'duplicate') return { ...base, duplicateOf: o.duplicateOf }
      return reply.code(422).send({ ...base, reason: o.reason })
    },
  )
  r.get(
    '/api/suppliers/:id/acknowledgments',
    {
      schema: {
        tags: ['supplier'],
        summary: 'The 997 acknowledgments wismo sent this supplier, newest first',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: AckListSchema, 401: ErrorSchema },
      },
    },
    async (req, reply) => {
      if (!(await verifySupplierKey(deps.db, req.params.id, bearer(req)))) return reply.code(401).send(UNAUTHORIZED)
      const rows = await deps.db.query<{ message_id: number | null; interchange_control: string | null; created_at: Date; body: string }>(
        `SELECT message_id, interchange_control, created_at, body FROM acknowledgments
          WHERE supplier_id = $1 ORDER BY ack_id DESC LIMIT $2`,
        [req.params.id, req.query.limit],
      )
      return rows.map((a) => ({ messageId: a.message_id, interchangeControl: a.interchange_control, createdAt: a.created_at.toISOString(), body: a.body }))
    },
  )
}
