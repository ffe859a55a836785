import type { FastifyInstance, FastifyReply } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '../app.ts'
import { ErrorSchema } from './orders.ts'
import { DomainError } from '../../domain/errors.ts'
import { verifyChoiceToken, type ChoiceTokenClaims } from '../../choices/choice-token.ts'
import { recordChoice } from '../../choices/record-choice.ts'
import { exportPurchasingDocuments } from '../../purchasing/export.ts'
import { httpStatusFor } from '../errors.ts'
import { clientGuardKey, clientPolicyFrom, recordLookupFailure } from '../lookup-guard.ts'

const ChoiceBodySchema = z.object({
  token: z.string().min(1).max(1000),
  choice: z.enum(['wait', 'cancel', 'switch']),
  sku: z.string().min(1).max(64).nullish(),
  acceptPrice: z.boolean().optional().describe('the customer confirms a dearer alternative\'s price difference'),
})

const ChoiceResultSchema = z.object({
  orderNumber: z.string(),
  lineNo: z.number().int(),
  choice: z.enum(['wait', 'cancel', 'switch']),
  qty: z.number().int(),
  decidedAt: z.string(),
  summary: z.array(z.string()),
  refund: z.object({ amount: z.number(), dueBy: z.string() }).nullable(),
  switched: z.object({ sku: z.string(), name: z.string(), eta: z.string(), priceDelta: z.number() }).nullable(),
})

/**
 * Checks a choice link for an order: the token is wismo's, not expired, and for this order.
 * The customer page (GET /orders/{number}/choose) calls this before showing the line's options;
 * the token being unused is checked when the choice is recorded. Throws DomainError
 * CHOICE_TOKEN_INVALID / CHOICE_TOKEN_EXPIRED / CHOICE_NOT_CONFIGURED.
 */
export function resolveChoiceLink(deps: Pick<AppDeps, 'config' | 'clock'>, orderNumber: string, token: string): ChoiceTokenClaims {
  const secret = deps.config.secret
  if (!secret) throw new DomainError('CHOICE_NOT_CONFIGURED', 'choice links are not configured on this server (WISMO_SECRET)')
  const claims = verifyChoiceToken(secret, token, deps.clock.now())
  if (claims.orderNumber !== orderNumber) throw new DomainError('CHOICE_TOKEN_INVALID', 'this choice link is for another order')
  return claims
}

/**
 * A link that is not genuine (tampered, another order's or line's) is a failed proof of this
 * client, in the count the lookups share (src/http/lookup-guard.ts). Returns the seconds to wait
 * when the client was already throttled, else null.
 */
async function countForgedLink(deps: Pick<AppDeps, 'db' | 'config'>, ip: string, now: Date): Promise<number | null> {
  const r = await recordLookupFailure(deps.db, clientGuardKey(`ip:${ip}`, now, clientPolicyFrom(deps.config)))
  return r.wasLocked && r.gate.locked ? r.gate.retryAfterSeconds : null
}

function throttled(seconds: number) {
  const minutes = Math.ceil(seconds / 60)
  return { error: { code: 'LOOKUP_THROTTLED', message: `Too many failed attempts from your connection. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` } }
}

/** The customer's signed choice link: landing (GET) and recording (POST). */
export function registerChoiceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>()
  // The landing page (GET /orders/{number}/choose) is the customer page's: src/http/pages/customer.
  r.post(
    '/api/orders/:number/lines/:lineNo/choice',
    {
      schema: {
        tags: ['customer'],
        summary: "Record the customer's choice for a line (from the signed link)",
        description:
          'wait, cancel, or switch to one of the line\'s alternatives (sku). The token comes from the customer\'s link; it decides once and expires (14 days). A dearer alternative beyond the store\'s absorb limit needs acceptPrice: true (409 CHOICE_PRICE_CONFIRMATION_REQUIRED otherwise). A refusal changes nothing.',
        params: z.object({ number: z.string().min(1).max(64), lineNo: z.coerce.number().int().min(1).max(1_000_000) }),
        body: ChoiceBodySchema,
        response: { 200: ChoiceResultSchema, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 410: ErrorSchema, 429: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req, reply) => {
      const now = deps.clock.now()
      let claims: ChoiceTokenClaims
      try {
        claims = resolveChoiceLink(deps, req.params.number, req.body.token)
        if (claims.lineNo !== req.params.lineNo) throw new DomainError('CHOICE_TOKEN_INVALID', `this choice link is for line ${claims.lineNo}, not line ${req.params.lineNo}`)
      } catch (err) {
        if (err instanceof DomainError && err.code === 'CHOICE_TOKEN_INVALID') {
          const wait = await countForgedLink(deps, req.ip, now)
          if (wait) return reply.code(429).header('retry-after', String(wait)).send(throttled(wait))
        }
        throw err
      }
      const result = await recordChoice(deps.db, {
        orderNumber: req.params.number, lineNo: req.params.lineNo, choice: req.body.choice, sku: req.body.sku ?? null,
        decidedBy: 'customer', channel: 'link', acceptPrice: req.body.acceptPrice, tokenNonce: claims.nonce, tokenExpiresAt: claims.expiresAt,
        now, config: deps.config,
      })
      if (deps.config.purchasingDir) await exportPurchasingDocuments(deps.db, deps.config.purchasingDir, now)
      return {
        orderNumber: result.orderNumber, lineNo: result.lineNo, choice: result.choice, qty: result.qty, decidedAt: result.decidedAt,
        // The customer is told what changed, never which supplier or PO.
        summary: result.summary.filter((s) => !/^(850|860) /.test(s)),
        refund: result.refund && { amount: result.refund.amount, dueBy: result.refund.dueBy },
        switched: result.switched && { sku: result.switched.sku, name: result.switched.name, eta: result.switched.eta, priceDelta: result.switched.priceDelta },
      }
    },
  )
}
