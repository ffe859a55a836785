import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { verifyApiKey } from '../../store/api-keys.ts'
import { verifySupplierKey } from '../../store/supplier-keys.ts'
import { listRefunds } from '../../store/refunds.ts'
import { listPurchasingDocuments } from '../../purchasing/export.ts'

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization
  if (h?.startsWith('Bearer ')) return h.slice(7).trim()
  const k = req.headers['x-api-key']
  return typeof k === 'string' ? k : undefined
}

const UNAUTHORIZED = { error: { code: 'AUTH_INVALID', message: 'a valid API key is required (Authorization: Bearer …; wismo api-key NAME --scope retailer)' } }

const RefundSchema = z.object({
  refundId: z.number().int(), orderNumber: z.string(), lineNo: z.number().int(), sku: z.string(), qty: z.number().int(),
  amount: z.number(), tax: z.number(), shipping: z.number(), reason: z.string(), dueBy: z.string(), createdAt: z.string(),
})
const DocumentSchema = z.object({
  documentId: z.number().int(), kind: z.enum(['850', '860']), supplierId: z.string().nullable(), poNumber: z.string(), poLine: z.string(),
  orderNumber: z.string().nullable(), lineNo: z.number().int().nullable(), controlNumber: z.number().int(), reason: z.string().nullable(),
  createdAt: z.string(), x12: z.string(), csv: z.string(),
  acknowledgment: z.object({
    status: z.enum(['accepted', 'rejected']), detail: z.string().nullable(), messageId: z.number().int().nullable(), receivedAt: z.string(),
  }).nullable().describe("the supplier's 997/999 answering this document (null until one arrives)"),
})
const Page = z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(200) })

/** For the retailer's own systems: refunds to pay, purchasing documents to send (or a supplier fetching its own). */
export function registerRetailerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  r.get(
    '/api/refunds',
    {
      schema: {
        tags: ['retailer'],
        summary: 'Refunds due to customers, oldest first (page with ?after=<last refundId>)',
        description: 'Authorization: Bearer <a key of scope retailer> (wismo api-key NAME --scope retailer).',
        querystring: Page.extend({ order: z.string().max(64).optional() }),
        response: { 200: z.array(RefundSchema), 401: ErrorSchema },
      },
    },
    async (req, reply) => {
      if (!(await verifyApiKey(deps.db, bearer(req), 'retailer'))) return reply.code(401).send(UNAUTHORIZED)
      return listRefunds(deps.db, { after: req.query.after, limit: req.query.limit, orderNumber: req.query.order })
    },
  )
  r.get(
    '/api/purchasing/documents',
    {
      schema: {
        tags: ['retailer', 'supplier'],
        summary: 'X12 850/860 purchasing documents (with their CSV row), oldest first',
        description:
          'With a retailer key: every document (or one supplier\'s, ?supplier=ID). With a supplier\'s feed key (wismo supplier-key ID): ?supplier=ID is required and only that supplier\'s documents are listed.',
        querystring: Page.extend({ supplier: z.string().min(1).max(64).optional() }),
        response: { 200: z.array(DocumentSchema), 401: ErrorSchema },
      },
    },
    async (req, reply) => {
      const key = bearer(req)
      const { supplier, after, limit } = req.query
      const retailer = await verifyApiKey(deps.db, key, 'retailer')
      const ownSupplier = !retailer && supplier !== undefined && (await verifySupplierKey(deps.db, supplier, key))
      if (!retailer && !ownSupplier) return reply.code(401).send(UNAUTHORIZED)
      return listPurchasingDocuments(deps.db, { supplierId: supplier, after, limit })
    },
  )
}
