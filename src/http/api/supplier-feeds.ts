import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { verifySupplierKey } from '../../store/supplier-keys.ts'
import { ingestSupplierFeed } from '../../feeds/ingest-file.ts'
import { FEED_MAX_DEFAULT_MEGABYTES } from '../request-limits.ts'
import { SpooledBody, spoolParser } from './feed-spool.ts'

const FEED_TYPES = ['application/edi-x12', 'text/csv', 'text/plain', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']

const FeedResultSchema = z.object({
  outcome: z.enum(['applied', 'duplicate', 'quarantined']),
  messageId: z.number().int(),
  summary: z.array(z.string()).optional(),
  unmatched: z.number().int().optional().describe('applied: how many lines matched no open PO line of this supplier (a rep task lists them)'),
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

/**
 * The supplier's key, checked as soon as the request's head is in (onRequest): without a valid
 * one the answer is 401 before a byte of the body is read, and the connection is closed.
 */
function requireSupplierKey(deps: AppDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const id = (req.params as { id?: string }).id ?? ''
    if (!(await verifySupplierKey(deps.db, id, bearer(req)))) return reply.code(401).send(UNAUTHORIZED)
  }
}

/**
 * Supplier feed delivery over HTTP, with a per-supplier API key. In a scope of its own: the
 * large body limit and the spooling parser belong to the feed route alone, never to the rest.
 */
export async function registerSupplierFeedRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(async (scope) => registerInScope(scope, deps))
}

function registerInScope(scope: FastifyInstance, deps: AppDeps): void {
  const limit = Math.floor((deps.config.feedMaxMegabytes ?? FEED_MAX_DEFAULT_MEGABYTES) * 1024 * 1024)
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser(FEED_TYPES, { bodyLimit: limit }, spoolParser({ dir: deps.spoolDir, limit }))
  // A spooled body the handler never took (the request failed validation) is removed all the same.
  scope.addHook('onResponse', async (req) => {
    if (req.body instanceof SpooledBody) await req.body.dispose()
  })
  const keyed = requireSupplierKey(deps)
  const r = scope.withTypeProvider<ZodTypeProvider>()
  r.post(
    '/api/suppliers/:id/feeds',
    {
      onRequest: keyed,
      schema: {
        tags: ['supplier'],
        summary: "Deliver a supplier feed (X12 855/856/870/846/214, a 997/999 answering wismo's 850/860, , the CSV status feed, or a supplier's own CSV/XLSX read through its profile)",
        description:
          'The raw file is the body (Content-Type application/edi-x12, text/csv, text/plain, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet or application/octet-stream), up to WISMO_FEED_MAX_MB (256 MiB; 413 beyond). It is stored before it is applied; a replay (the same content from this supplier) is reported as a duplicate; a file that cannot be read, or whose X12 sender is another supplier, is quarantined (422) with the reason; an X12 file is applied interchange by interchange. The key changes only this supplier\'s own lines, offers and shipments. Authorization: Bearer <the supplier API key> (wismo supplier-key ID), checked before the body is read.',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ filename: z.string().max(255).optional() }),
        response: { 200: FeedResultSchema, 401: ErrorSchema, 422: FeedResultSchema, 400: ErrorSchema, 413: ErrorSchema },
      },
    },
    async (req, reply) => {
      const body = await readSpooled(req.body)
      const o = await ingestSupplierFeed(deps.db, {
        body, filename: req.query.filename ?? null, supplierId: req.params.id, source: 'api', receivedAt: deps.clock.now(),
      })
      const base = { outcome: o.outcome, messageId: o.messageId, acknowledgment: o.acknowledgment ?? null }
      if (o.outcome === 'applied') return { ...base, summary: o.summary, unmatched: o.unmatched }
      if (o.outcome === 'duplicate') return { ...base, duplicateOf: o.duplicateOf }
      return reply.code(422).send({ ...base, reason: o.reason })
    },
  )
  r.get(
    '/api/suppliers/:id/acknowledgments',
    {
      onRequest: keyed,
      schema: {
        tags: ['supplier'],
        summary: 'The 997 acknowledgments wismo sent this supplier, newest first',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: AckListSchema, 401: ErrorSchema },
      },
    },
    async (req) => {
      const rows = await deps.db.query<{ message_id: number | null; interchange_control: string | null; created_at: Date; body: string }>(
        `SELECT message_id, interchange_control, created_at, body FROM acknowledgments
          WHERE supplier_id = $1 ORDER BY ack_id DESC LIMIT $2`,
        [req.params.id, req.query.limit],
      )
      return rows.map((a) => ({ messageId: a.message_id, interchangeControl: a.interchange_control, createdAt: a.created_at.toISOString(), body: a.body }))
    },
  )
}

/** The spooled file's bytes (the feed readers take a whole file); the file is removed once read. */
async function readSpooled(body: unknown): Promise<Buffer> {
  if (!(body instanceof SpooledBody)) return Buffer.alloc(0)
  try {
    return await body.read()
  } finally {
    await body.dispose()
  }
}
