/**
 * `POST /console/orders/{number}/lines/{lineNo}/delivery/reship|refund|claim`: a rep acts on a
 * parcel in trouble (src/purchasing/delivery-problem.ts), audited with who, what and when.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { DomainError } from '../../../domain/errors.ts'
import { findOrderRow } from '../../../store/order-snapshot.ts'
import { recordAudit } from '../../../store/audit.ts'
import { DELIVERY_ACTIONS, PARCEL_PROBLEMS } from '../../../store/delivery-actions.ts'
import { calendarFrom } from '../../../status/calendar-config.ts'
import { actOnParcel } from '../../../purchasing/delivery-problem.ts'
import { pathParams } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { requirePost } from './auth-routes.ts'

const Params = z.object({ number: z.string().min(1).max(64), lineNo: z.coerce.number().int().positive(), kind: z.enum(DELIVERY_ACTIONS) })
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v)
const ActionForm = z.object({
  tracking: z.string().trim().min(1).max(64),
  reason: z.enum(PARCEL_PROBLEMS),
  supplier: z.preprocess(blankToNull, z.string().max(64).nullable()).optional(),
  amount: z.preprocess(blankToNull, z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'an amount like 249 or 249.00').transform(Number).nullable()).optional(),
  carrier: z.preprocess(blankToNull, z.string().trim().max(60).nullable()).optional(),
  note: z.preprocess(blankToNull, z.string().trim().max(500).nullable()).optional(),
})

const orderUrl = (n: string, q: string) => `/console/orders/${encodeURIComponent(n)}?${q}#delivery`

export function registerDeliveryActions(app: FastifyInstance, deps: PagesDeps): void {
  app.post('/console/orders/:number/lines/:lineNo/delivery/:kind', { schema: { hide: true } }, async (req, reply) => {
    const session = await requirePost(deps, req, reply)
    if (!session) return reply
    const { number, lineNo, kind } = pathParams(Params, req.params)
    const order = await findOrderRow(deps.db, number)
    if (!order) return reply.code(404).type('text/plain').send(`no order ${number}`)
    const refuse = (reason: string) => reply.redirect(orderUrl(number, `error=delivery&reason=${encodeURIComponent(reason.slice(0, 200))}`), 303)
    const form = ActionForm.safeParse(req.body)
    if (!form.success) return refuse(form.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
    const now = deps.clock.now()
    const actor = `rep:${session.email}`
    const f = form.data
    try {
      await actOnParcel(deps.db, kind, {
        orderNumber: number, lineNo, trackingNumber: f.tracking, reason: f.reason, supplierId: f.supplier ?? null, amount: f.amount ?? null,
        carrier: f.carrier ?? null, note: f.note ?? null, decidedBy: actor, now,
        calendar: await calendarFrom(deps.db, { ...deps.config, timezone: deps.timeZone }, now),
      }, (tx, done) => recordAudit(tx, {
        actor, action: `delivery.${kind}`, orderId: order.order_id, now,
        detail: {
          lineNo, trackingNumber: f.tracking, reason: f.reason, summary: done.summary, amount: done.refund?.amount ?? f.amount ?? null,
          poNumber: done.document?.poNumber ?? null, taskClosed: done.taskClosed,
        },
      }))
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      await recordAudit(deps.db, { actor, action: 'delivery.refused', orderId: order.order_id, detail: { lineNo, kind, trackingNumber: f.tracking, code: err.code, reason: err.message }, now })
      return refuse(err.message)
    }
    return reply.redirect(orderUrl(number, `done=${kind}`), 303)
  })
}
