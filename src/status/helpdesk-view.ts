/**
 * A customer's recent orders as a rep needs them beside a ticket (Gorgias's order sidebar,
 * Zendesk's ticket view): state, lines with supplier and PO, ETA, what the customer was told, open
 * tasks and a console link. Found by the email or the phone on the ticket.
 */
import { z } from 'zod'
import type { Queryable } from '../store/db.ts'
import type { CalendarConfig } from '../domain/types.ts'
import { loadOrderSnapshot } from '../store/order-snapshot.ts'
import { deriveOrder, EtaSchema, presentRepView } from './order-status.ts'
import { PHONE_KEY_SQL, phoneKey } from '../voice/phone.ts'

const HelpdeskLineSchema = z.object({
  lineNo: z.number().int(),
  sku: z.string(),
  name: z.string(),
  qty: z.number().int(),
  state: z.string(),
  quantities: z.record(z.string(), z.number().int()),
  explanation: z.string(),
  eta: EtaSchema,
  supplierId: z.string().nullable(),
  supplierName: z.string().nullable(),
  poNumber: z.string().nullable(),
  promisedShipDate: z.string(),
  expectedShipDate: z.string().nullable(),
  tracking: z.array(z.object({ carrier: z.string().nullable(), number: z.string(), url: z.string().nullable(), status: z.string() })),
})

export const HelpdeskOrderSchema = z.object({
  orderNumber: z.string(),
  placedAt: z.string(),
  state: z.string(),
  headline: z.string(),
  eta: EtaSchema,
  consoleUrl: z.string().describe('the order in the rep console'),
  lines: z.array(HelpdeskLineSchema),
  told: z.array(z.object({
    at: z.string(), channel: z.string(), subject: z.string().nullable(), triggers: z.array(z.string()), status: z.string(),
  })).describe('messages wismo sent the customer about this order, newest first'),
  openTasks: z.array(z.object({ kind: z.string(), title: z.string(), createdAt: z.string() })),
})

export const HelpdeskAnswerSchema = z.object({
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  orders: z.array(HelpdeskOrderSchema),
})
export type HelpdeskAnswer = z.infer<typeof HelpdeskAnswerSchema>

const ORDER_LIMIT = 10

/** The customer's most recent orders (up to ten), rep view; an unknown email or phone gives no orders. */
export async function helpdeskOrders(
  db: Queryable,
  who: { email?: string; phone?: string },
  ctx: { now: Date; calendar: CalendarConfig; consoleUrl: (orderNumber: string) => string },
): Promise<HelpdeskAnswer> {
  const key = who.phone ? phoneKey(who.phone) : null
  if (!who.email && !key) return { customer: null, orders: [] }
  const customers = await db.query<{ customer_id: number; name: string | null; email: string | null; phone: string | null }>(
    who.email
      ? 'SELECT customer_id, name, email, phone FROM customers WHERE lower(email) = lower($1) LIMIT 5'
      : `SELECT customer_id, name, email, phone FROM customers WHERE ${PHONE_KEY_SQL('phone')} = $1 AND phone IS NOT NULL LIMIT 5`,
    [who.email ?? key],
  )
  if (customers.length === 0) return { customer: null, orders: [] }
  const ids = customers.map((c) => c.customer_id)
  const orderRows = await db.query<{ order_id: number; order_number: string }>(
    'SELECT order_id, order_number FROM orders WHERE customer_id = ANY($1::bigint[]) ORDER BY placed_at DESC, order_id DESC LIMIT $2',
    [ids, ORDER_LIMIT],
  )
  const orders = []
  for (const o of orderRows) {
    const snapshot = await loadOrderSnapshot(db, o.order_number)
    if (!snapshot) continue
    const rep = presentRepView(await deriveOrder(db, snapshot, ctx))
    orders.push({
      orderNumber: rep.orderNumber, placedAt: rep.placedAt, state: rep.state, headline: rep.headline, eta: rep.eta,
      consoleUrl: ctx.consoleUrl(rep.orderNumber),
      lines: rep.lines.map((l) => ({
        lineNo: l.lineNo, sku: l.sku, name: l.name, qty: l.qty, state: l.state, quantities: l.quantities, explanation: l.explanation, eta: l.eta,
        supplierId: l.supplierId, supplierName: l.supplierName, poNumber: l.poNumber, promisedShipDate: l.promisedShipDate,
        expectedShipDate: l.expectedShipDate, tracking: l.tracking,
      })),
      told: await toldAbout(db, o.order_id),
      openTasks: await openTasksOf(db, o.order_id),
    })
  }
  const c = customers[0]
  return { customer: { name: c.name, email: c.email, phone: c.phone }, orders }
}

async function toldAbout(db: Queryable, orderId: number) {
  const rows = await db.query<{ created_at: Date; sent_at: Date | null; channel: string; subject: string | null; triggers: string[] | null; trigger: string; status: string }>(
    `SELECT created_at, sent_at, channel, subject, triggers, trigger, status FROM notifications
      WHERE order_id = $1 ORDER BY created_at DESC, notification_id DESC LIMIT 20`,
    [orderId],
  )
  return rows.map((r) => ({
    at: (r.sent_at ?? r.created_at).toISOString(), channel: r.channel, subject: r.subject,
    triggers: r.triggers && r.triggers.length ? r.triggers : [r.trigger], status: r.status,
  }))
}

async function openTasksOf(db: Queryable, orderId: number) {
  const rows = await db.query<{ kind: string; title: string; created_at: Date }>(
    `SELECT kind, title, created_at FROM tasks WHERE order_id = $1 AND status = 'open' ORDER BY priority, created_at LIMIT 20`,
    [orderId],
  )
  return rows.map((r) => ({ kind: r.kind, title: r.title, createdAt: r.created_at.toISOString() }))
}
