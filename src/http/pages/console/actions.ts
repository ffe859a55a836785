import type { FastifyInstance } from 'fastify'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { DomainError } from '../../../domain/errors.ts'
import { findOrderRow } from '../../../store/order-snapshot.ts'
import { addNote } from '../../../store/notes.ts'
import { recordAudit } from '../../../store/audit.ts'
import { assignTask, closeTaskById } from '../../../store/worklist.ts'
import type { Queryable } from '../../../store/db.ts'
import { pathParams } from '../render.ts'
import type { PagesDeps } from '../pages.ts'
import { requirePost } from './auth-routes.ts'
import { backTo } from './worklist-query.ts'

const Params = z.object({ number: z.string().min(1).max(64) })
const NoteForm = z.object({ body: z.string().trim().min(1).max(4000) })
/** A user id, or empty: nobody. */
const AssigneeForm = z.union([z.literal('').transform(() => null), z.coerce.number().int().positive()])
const Decision = z.union([z.enum(['wait', 'cancel']), z.string().regex(/^switch:.{1,64}$/)])

const orderUrl = (n: string, q: string) => `/console/orders/${encodeURIComponent(n)}?${q}`

/** Copies a message as a new queued one (the dispatcher sends it); null when not this order's. */
async function resendMessage(tx: Queryable, id: number, orderId: number, now: Date): Promise<number | null> {
  const [r] = await tx.query<{ notification_id: number }>(
    `INSERT INTO notifications (order_id, supplier_id, channel, recipient, trigger, dedupe_key, subject, body, payload, status, attempts, next_attempt_at, created_at)
     SELECT order_id, supplier_id, channel, recipient, trigger, 'resend:' || notification_id || ':' || $3, subject, body, payload, 'queued', 0, $4, $4
       FROM notifications WHERE notification_id = $1 AND order_id = $2
     RETURNING notification_id`,
    [id, orderId, randomUUID(), now],
  )
  return r?.notification_id ?? null
}

/** The rep's actions; each is recorded in the audit log with who, what and when. */
export function registerConsoleActions(app: FastifyInstance, deps: PagesDeps): void {
  app.post('/console/orders/:number/notes', { schema: { hide: true } }, async (req, reply) => {
    const session = await requirePost(deps, req, reply)
    if (!session) return reply
    const { number } = pathParams(Params, req.params)
    const order = await findOrderRow(deps.db, number)
    if (!order) return reply.code(404).type('text/plain').send(`no order ${number}`)
    const form = NoteForm.safeParse(req.body)
    if (!form.success) return reply.redirect(orderUrl(number, 'error=note#notes'), 303)
    const now = deps.clock.now()
    const actor = `rep:${session.email}`
    await deps.db.transaction(async (tx) => {
      const noteId = await addNote(tx, { orderId: order.order_id, author: actor, body: form.data.body, now })
      await recordAudit(tx, { actor, action: 'note.add', orderId: order.order_id, detail: { noteId }, now })
    })
    return reply.redirect(orderUrl(number, 'done=note#notes'), 303)
  })

  app.post('/console/orders/:number/messages/:id/resend', { schema: { hide: true } }, async (req, reply) => {
    const session = await requirePost(deps, req, reply)
    if (!session) return reply
    const { number, id } = pathParams(Params.extend({ id: z.coerce.number().int().positive() }), req.params)
    const order = await findOrderRow(deps.db, number)
    if (!order) return reply.code(404).type('text/plain').send(`no order ${number}`)
    const now = deps.clock.now()
    const actor = `rep:${session.email}`
    const copy = await deps.db.transaction(async (tx) => {
      const newId = await resendMessage(tx, id, order.order_id, now)
      if (newId) await recordAudit(tx, { actor, action: 'message.resend', orderId: order.order_id, detail: { messageId: id, newMessageId: newId }, now })
      return newId
    })
    return reply.redirect(orderUrl(number, copy ? 'done=resend#messages' : 'error=resend#messages'), 303)
  })

  app.post('/console/orders/:number/lines/:lineNo/choice', { schema: { hide: true } }, async (req, reply) => {
    const session = await requirePost(deps, req, reply)
    if (!session) return reply
    const { number, lineNo } = pathParams(Params.extend({ lineNo: z.coerce.number().int().positive() }), req.params)
    const order = await findOrderRow(deps.db, number)
    if (!order) return reply.code(404).type('text/plain').send(`no order ${number}`)
    const d = Decision.safeParse((req.body as Record<string, unknown>)?.decision)
    if (!d.success) return reply.redirect(orderUrl(number, 'error=choice#lines'), 303)
    const choice = d.data.startsWith('switch:') ? 'switch' : (d.data as 'wait' | 'cancel')
    const sku = choice === 'switch' ? d.data.slice('switch:'.length) : undefined
    const now = deps.clock.now()
    const actor = `rep:${session.email}`
    try {
      // The rep records what the customer agreed to, price difference included.
      await deps.choices.record(deps.db, { orderNumber: number, lineNo, choice, sku, acceptPrice: choice === 'switch', decidedBy: actor, channel: 'console', now })
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      await recordAudit(deps.db, { actor, action: 'choice.refused', orderId: order.order_id, detail: { lineNo, choice, sku: sku ?? null, code: err.code, reason: err.message }, now })
      return reply.redirect(orderUrl(number, `error=choice&reason=${encodeURIComponent(err.message.slice(0, 200))}#lines`), 303)
    }
    await recordAudit(deps.db, { actor, action: 'choice.record', orderId: order.order_id, detail: { lineNo, choice, sku: sku ?? null }, now })
    return reply.redirect(orderUrl(number, 'done=choice#lines'), 303)
  })

  app.post('/console/tasks/:id/close', { schema: { hide: true } }, async (req, reply) => {
    const session = await requirePost(deps, req, reply)
    if (!session) return reply
    const { id } = pathParams(z.object({ id: z.coerce.number().int().positive() }), req.params)
    const now = deps.clock.now()
    const actor = `rep:${session.email}`
    const closed = await deps.db.transaction(async (tx) => {
      const t = await closeTaskById(tx, id, now, actor)
      if (t) await recordAudit(tx, { actor, action: 'task.close', orderId: t.orderId, detail: { taskId: id, kind: t.kind, title: t.title }, now })
      return t
    })
    // Back to the order page or the filtered worklist page it was closed from.
    return reply.redirect(backTo((req.body as Record<string, unknown>)?.back, closed ? 'done=task' : 'error=task'), 303)
  })

  app.post('/console/tasks/:id/assign', { schema: { hide: true } }, async (req, reply) => {
    const session = await requirePost(deps, req, reply)
    if (!session) return reply
    const { id } = pathParams(z.object({ id: z.coerce.number().int().positive() }), req.params)
    const body = (req.body ?? {}) as Record<string, unknown>
    const assignee = AssigneeForm.safeParse(body.assignee)
    if (!assignee.success) return reply.redirect(backTo(body.back, 'error=assign'), 303)
    const now = deps.clock.now()
    const actor = `rep:${session.email}`
    const done = await deps.db.transaction(async (tx) => {
      const t = await assignTask(tx, id, assignee.data, now)
      if (t) {
        await recordAudit(tx, {
          actor, action: assignee.data === null ? 'task.unassign' : 'task.assign', orderId: t.orderId,
          detail: { taskId: id, kind: t.kind, from: t.from, to: t.to }, now,
        })
      }
      return t
    })
    const outcome = !done ? 'error=assign' : assignee.data === null ? 'done=unassign' : 'done=assign'
    return reply.redirect(backTo(body.back, outcome), 303)
  })
}
