/**
 * GET /api/helpdesk/orders?email=…|phone=… — a customer's recent orders, rep view, for a
 * helpdesk's sidebar (a Gorgias HTTP integration, a Zendesk app; docs/helpdesk.md). Needs a key of
 * scope `helpdesk` (`wismo api-key NAME --scope helpdesk`), as `Authorization: Bearer …` or
 * `X-Api-Key`. An unknown customer is an empty list, not an error: the ticket may be about anything.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { verifyApiKey } from '../../store/api-keys.ts'
import { calendarFrom } from '../../status/calendar-config.ts'
import { HelpdeskAnswerSchema, helpdeskOrders } from '../../status/helpdesk-view.ts'
import { recordContact } from '../../store/contacts.ts'
import { phoneSettings } from '../../voice/wiring.ts'

const QuerySchema = z
  .object({
    email: z.string().trim().min(3).max(320).optional().describe("the ticket's customer email"),
    phone: z.string().trim().min(7).max(40).optional().describe("the ticket's customer phone, any format"),
  })
  .refine((q) => q.email !== undefined || q.phone !== undefined, { message: 'give email or phone', path: ['email'] })

function apiKeyOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization
  if (h?.startsWith('Bearer ')) return h.slice(7).trim()
  const k = req.headers['x-api-key']
  return typeof k === 'string' ? k.trim() : undefined
}

const UNAUTHORIZED = { error: { code: 'AUTH_INVALID', message: 'a valid helpdesk API key is required (Authorization: Bearer …)' } }

export function registerHelpdeskRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/helpdesk/orders',
    {
      schema: {
        tags: ['helpdesk'],
        summary: "A customer's recent orders for a helpdesk sidebar (rep view)",
        description: 'Up to ten most recent orders of the customer with this email or phone: state, lines with supplier and PO, ETA, ' +
          'what the customer was told, open tasks and a console link. Key of scope helpdesk.',
        querystring: QuerySchema,
        response: { 200: HelpdeskAnswerSchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (req, reply) => {
      const key = await verifyApiKey(deps.db, apiKeyOf(req), 'helpdesk')
      if (!key) return reply.code(401).send(UNAUTHORIZED)
      const now = deps.clock.now()
      const calendar = await calendarFrom(deps.db, deps.config, now)
      const base = phoneSettings(deps.config).publicUrl
      const answer = await helpdeskOrders(deps.db, { email: req.query.email, phone: req.query.phone }, {
        now, calendar, consoleUrl: (n) => `${base}/console/orders/${encodeURIComponent(n)}`,
      })
      // A helpdesk lookup is a rep at work: the contact was not deflected.
      await recordContact(deps.db, { channel: 'helpdesk', orderId: null, outcome: 'rep_task', now })
      return reply.send(answer)
    },
  )
}
