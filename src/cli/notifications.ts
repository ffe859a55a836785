import type { Command } from './context.ts'

/** `wismo notifications [--order ORDER] [--json]` — messages queued and sent, newest first. */
export const notificationsCommand: Command = async (ctx, { flags }) => {
  const db = await ctx.db()
  const order = typeof flags.order === 'string' ? flags.order : null
  const rows = await db.query<{
    notification_id: number; order_number: string | null; supplier_id: string | null; channel: string; recipient: string
    trigger: string; subject: string | null; status: string; attempts: number; created_at: Date; sent_at: Date | null; last_error: string | null
  }>(
    `SELECT n.notification_id, o.order_number, n.supplier_id, n.channel, n.recipient, n.trigger, n.subject, n.status,
            n.attempts, n.created_at, n.sent_at, n.last_error
       FROM notifications n LEFT JOIN orders o ON o.order_id = n.order_id
      WHERE $1::text IS NULL OR o.order_number = $1
      ORDER BY n.created_at DESC, n.notification_id DESC LIMIT 500`,
    [order],
  )
  const list = rows.map((r) => ({
    id: r.notification_id,
    orderNumber: r.order_number,
    supplierId: r.supplier_id,
    channel: r.channel,
    recipient: r.recipient,
    trigger: r.trigger,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
    lastError: r.last_error,
  }))
  if (flags.json) {
    ctx.out(JSON.stringify(list, null, 2))
    return 0
  }
  if (list.length === 0) ctx.out(order ? `no messages for order ${order}` : 'no messages yet')
  for (const n of list) {
    const about = n.orderNumber ? `order ${n.orderNumber}` : n.supplierId ? `supplier ${n.supplierId}` : ''
    ctx.out(`#${n.id}  ${n.createdAt}  ${n.channel} → ${n.recipient}  [${n.trigger}] ${about}  ${n.status}${n.lastError ? ` (${n.lastError})` : ''}`)
    if (n.subject) ctx.out(`      ${n.subject}`)
  }
  return 0
}
