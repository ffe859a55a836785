/**
 * `POST /lookup`: the customer's order number and email or postal code, under the same limits as
 * the API (src/http/lookup-guard.ts) — one count per order number and one per client, shared with
 * the API and the choice POST. A customer who already holds their own proof of the order (the
 * lookup cookie, or the signed link the form carries from a message) goes through a lock-out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { proofKey, proofMatches } from '../../../status/order-status.ts'
import { readGuardedOrderHead } from '../../../status/view-cache.ts'
import {
  CLIENT_SCOPE, clientGuardKey, clientPolicyFrom, guardLookup, hashLookupKey, lookupPolicyFrom, recordLookupFailure, type GuardedLookup,
} from '../../lookup-guard.ts'
import { noteContact } from '../../../store/contacts.ts'
import { orderNumberKey } from '../../../domain/order-number.ts'
import { sendPage } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { LookupPage } from './lookup-page.tsx'
import { hasLookupCookie, orderPath, setLookupCookie } from './lookup-cookie.ts'

const LookupForm = z.object({
  order_number: z.string().trim().min(1).max(64),
  email: z.string().trim().max(320).optional(),
  postal_code: z.string().trim().max(20).optional(),
  token: z.string().max(2000).optional(),
})

/** The client whose failed proofs count (Fastify's req.ip under WISMO_TRUST_PROXY). */
export function clientOf(deps: PagesDeps, req: FastifyRequest, now: Date) {
  return clientGuardKey(`ip:${req.ip}`, now, clientPolicyFrom(deps.config))
}

/** The text of a 429 page: the order number locked out, or this client throttled. */
export function limitedText(r: Extract<GuardedLookup<unknown>, { retryAfterSeconds: number }>): string {
  const minutes = Math.ceil(r.retryAfterSeconds / 60)
  const wait = `Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`
  return r.outcome === 'throttled' ? `Too many failed lookups from your connection. ${wait}` : `Too many attempts to look up this order. ${wait}`
}

/**
 * Counts a failure of the client alone (a choice POST with neither the cookie nor a valid link):
 * true when the client was already throttled (answer 429), with the seconds to wait.
 */
export async function countClientFailure(deps: PagesDeps, req: FastifyRequest, reply: FastifyReply, now: Date): Promise<string | null> {
  const r = await recordLookupFailure(deps.db, clientOf(deps, req, now))
  if (!r.wasLocked || !r.gate.locked) return null
  reply.header('retry-after', String(r.gate.retryAfterSeconds))
  return limitedText({ outcome: 'throttled', until: r.gate.until, retryAfterSeconds: r.gate.retryAfterSeconds })
}

export function registerLookupRoute(app: FastifyInstance, deps: PagesDeps): void {
  const lookupLimit = { rateLimit: { max: deps.config.lookupRateLimit, timeWindow: 60_000 } }
  app.post('/lookup', { schema: { hide: true }, config: lookupLimit }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>
    const byPostal = body.postal_code !== undefined && body.email === undefined
    const form = LookupForm.safeParse(body)
    if (!form.success || (!form.data.email && !form.data.postal_code)) {
      const problem = `Please enter your order number and the ${byPostal ? 'postal code' : 'email'} on the order.`
      return sendPage(reply, LookupPage({ store: deps.store, byPostal, orderNumber: body.order_number, problem }), 400)
    }
    const { order_number: orderNumber, email, postal_code: postalCode, token } = form.data
    const now = deps.clock.now()
    const client = clientOf(deps, req, now)
    // The number as typed ("#w101301 "): one key for the lookup, its lock-out and its proofs.
    const key = orderNumberKey(orderNumber)
    const claims = token ? deps.choices.verifyToken(token, now) : null
    const own = claims !== null && orderNumberKey(claims.orderNumber) === key
    const pass = hasLookupCookie(req, orderNumber, now) || hasLookupCookie(req, key, now) || own
    // Still one statement on the answered path: the order, its stored answer and both lock-outs.
    const found = await guardLookup(deps.db, { scope: 'order', key, now, policy: lookupPolicyFrom(deps.config) }, async () => {
      const row = await readGuardedOrderHead(deps.db, key, hashLookupKey('order', key), now, hashLookupKey(CLIENT_SCOPE, client.key))
      return row && proofMatches(row, { email, postalCode }) ? row : null
    }, { client, pass, proof: proofKey({ email, postalCode }), locksOf: (row) => ({ key: row.locked_until, client: row.client_locked_until }) })
    const carried = own ? token : undefined
    if (found.outcome === 'locked' || found.outcome === 'throttled') {
      reply.header('retry-after', String(found.retryAfterSeconds))
      return sendPage(reply, LookupPage({ store: deps.store, byPostal, orderNumber, limited: limitedText(found), token: carried }), 429)
    }
    if (found.outcome === 'not_found') return sendPage(reply, LookupPage({ store: deps.store, byPostal, orderNumber, notFound: true, token: carried }), 404)
    noteContact(deps.db, { channel: 'page', orderId: found.value.order_id, outcome: 'deflected', now })
    // The order's page under its number as stored, whatever was typed.
    setLookupCookie(reply, req, found.value.order_number, now)
    return reply.redirect(orderPath(found.value.order_number), 303)
  })
}
