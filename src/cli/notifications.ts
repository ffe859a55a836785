import type { Command } from './context.ts'
import { listNotifications } from '../store/notifications.ts'

/** `wismo notifications [--order ORDER] [--json]` — messages queued and sent, newest first. */
export const notificationsCommand: Command = async (ctx, { flags }) => {
  const db = await ctx.db()
  const order = typeof flags.order === 'string' ? flags.order : null
  const list = await listNotifications(db, { orderNumber: order })
  if (flags.json) {
    ctx.out(JSON.stringify(list, null, 2))
    return 0
  }
  if (list.length === 0) ctx.out(order ? `no messages for order ${order}` : 'no messages yet')
  for (const n of list) {
    const about = n.orderNumber ? `order ${n.orderNumber}${n.lines.length ? ` lines ${n.lines.join(',')}` : ''}` : ''
    ctx.out(`#${n.id}  ${n.createdAt}  ${n.channel} → ${n.to || '(nobody)'}  [${n.triggers.join(', ')}] ${about}  ${n.status}` +
      `${n.sentAt ? ` at ${n.sentAt}` : ''}${n.error ? ` (${n.error})` : ''}`)
    if (n.subject) ctx.out(`      ${n.subject}`)
  }
  return 0
}
