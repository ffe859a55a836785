import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { deriveOrder, OrderStatusSchema, proofKey, proofMatches, type OrderStatusView } from '../../status/order-status.ts'
import { calendarFrom } from '../../status/calendar-config.ts'
import { loadOrderSnapshot } from '../../store/order-snapshot.ts'
import { customerViewRow, noteViewsStored, readGuardedOrderHead, storeViews, validView } from '../../status/view-cache.ts'
import { CLIENT_SCOPE, clientGuardKey, clientPolicyFrom, guardLookup, hashLookupKey, lookupPolicyFrom } from '../lookup-guard.ts'
import { noteContact } from '../../store/contacts.ts'
import { orderNumberKey } from '../../domain/order-number.ts'

export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), problems: z.array(z.string()).optional() }),
})

const StatusQuerySchema = z
  .object({
    email: z.string().trim().min(1).max(320).optional().describe('the email on the order'),
    postal_code: z.string().trim().min(1).max(20).optional().describe('the postal code on the order'),
  })
  .refine((q) => q.email !== undefined || q.postal_code !== undefined, {
    message: 'give the email or the postal code on the order',
    path: ['email'],
  })

/**
 * Sends JSON text already serialized and checked against OrderStatusSchema. Fastify passes a
 * string payload through untouched, so the stored answer costs no re-serialization.
 */
function sendJson(reply: FastifyReply, json: string) {
  return reply.type('application/json; charset=utf-8').send(json as unknown as OrderStatusView)
}

// One body for "no such order" and "not your order": the answer must not tell them apart.
const NOT_FOUND = {
  error: { code: 'ORDER_NOT_FOUND', message: 'We could not find an order with that number and email or postal code.' },
}

const inMinutes = (seconds: number) => {
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
}

// The same for every proof while an order number is locked out, or the client throttled
// (src/http/lookup-guard.ts); neither tells whether the order exists.
function refusal(outcome: 'locked' | 'throttled', retryAfterSeconds: number) {
  return outcome === 'locked'
    ? { error: { code: 'LOOKUP_LOCKED', message: `Too many failed lookups of this order number. Try again in ${inMinutes(retryAfterSeconds)}.` } }
    : { error: { code: 'LOOKUP_THROTTLED', message: `Too many failed lookups from your connection. Try again in ${inMinutes(retryAfterSeconds)}.` } }
}

/** The customer's order lookup. */
export function registerOrderRoutes(app: FastifyInstance, deps: AppDeps): void {
  const policy = lookupPolicyFrom(deps.config)
  const clientPolicy = clientPolicyFrom(deps.config)
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/orders/:number/status',
    {
      config: { rateLimit: { max: deps.config.lookupRateLimit, timeWindow: 60_000 } },
      schema: {
        tags: ['customer'],
        summary: "An order's status, as its customer sees it",
        description:
          'The order number plus the email or postal code on the order. An unknown order and a wrong email or postal code get the same 404. After too many failed proofs for one order number, every lookup of it gets 429 LOOKUP_LOCKED for a while, whatever the proof; after too many from one client (on any order, page or API), every lookup from it gets 429 LOOKUP_THROTTLED.',
        params: z.object({ number: z.string().min(1).max(64) }),
        querystring: StatusQuerySchema,
        response: { 200: OrderStatusSchema, 400: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (req, reply) => {
      const now = deps.clock.now()
      const proof = { email: req.query.email, postalCode: req.query.postal_code }
      const client = clientGuardKey(`ip:${req.ip}`, now, clientPolicy)
      // The number as typed ("#w101301 "): one key for the lookup and its lock-out.
      const key = orderNumberKey(req.params.number)
      const found = await guardLookup(deps.db, { scope: 'order', key, now, policy }, async () => {
        const row = await readGuardedOrderHead(deps.db, key, hashLookupKey('order', key), now, hashLookupKey(CLIENT_SCOPE, client.key))
        return row && proofMatches(row, proof) ? row : null
      }, { client, proof: proofKey(proof), locksOf: (row) => ({ key: row.locked_until, client: row.client_locked_until }) })
      if (found.outcome === 'locked' || found.outcome === 'throttled') {
        return reply.code(429).header('retry-after', String(found.retryAfterSeconds)).send(refusal(found.outcome, found.retryAfterSeconds))
      }
      if (found.outcome === 'not_found') return reply.code(404).send(NOT_FOUND)
      const head = found.value
      // Every answered lookup is a "where is my order" question answered without a person.
      noteContact(deps.db, { channel: 'api', orderId: head.order_id, outcome: 'deflected', now })
      const calendar = await calendarFrom(deps.db, deps.config, now)
      // A stored answer that is still valid is served as stored (already validated when derived).
      const stored = validView(head, calendar, now)
      if (stored) return sendJson(reply, stored)
      // The cold path: derived from the order as it is now, stored under the version read above
      // (read before the snapshot, so a change in between leaves a view that no longer matches).
      const snapshot = await loadOrderSnapshot(deps.db, head.order_number)
      if (!snapshot) return reply.code(404).send(NOT_FOUND)
      const row = customerViewRow(await deriveOrder(deps.db, snapshot, { now, calendar, alternativesDelayDays: deps.config.alternativesDelayDays }), head.version, now, calendar)
      await storeViews(deps.db, [row], now)
      void noteViewsStored(deps.db, 1)
      return sendJson(reply, row.json)
    },
  )
}
