/** Messages as every view shows them (DESIGN.md `wismo notifications --json`). */
import type { Queryable } from './db.ts'

export interface NotificationView {
  id: number
  orderNumber: string | null
  channel: 'email' | 'sms' | 'webhook'
  to: string
  triggers: string[]
  lines: number[]
  subject: string | null
  status: 'queued' | 'sent' | 'failed' | 'dead' | 'suppressed'
  createdAt: string
  sentAt: string | null
  attempts: number
  error: string | null
}

/** Messages, newest first: all, or one order's. */
export async function listNotifications(db: Queryable, where: { orderNumber?: string | null; limit?: number } = {}): Promise<NotificationView[]> {
  const rows = await db.query<{
    notification_id: number; order_number: string | null; channel: NotificationView['channel']; recipient: string; trigger: string
    triggers: string[]; line_nos: number[]; subject: string | null; status: NotificationView['status']; attempts: number
    created_at: Date; sent_at: Date | null; last_error: string | null
  }>(
    `SELECT n.notification_id, o.order_number, n.channel, n.recipient, n.trigger, n.triggers, n.line_nos, n.subject, n.status,
            n.attempts, n.created_at, n.sent_at, n.last_error
       FROM notifications n LEFT JOIN orders o ON o.order_id = n.order_id
      WHERE $1::text IS NULL OR o.order_number = $1
      ORDER BY n.created_at DESC, n.notification_id DESC LIMIT $2`,
    [where.orderNumber ?? null, where.limit ?? 500],
  )
  return rows.map((r) => ({
    id: r.notification_id,
    orderNumber: r.order_number,
    channel: r.channel,
    to: r.recipient,
    triggers: r.triggers.length > 0 ? r.triggers : [r.trigger],
    lines: r.line_nos,
    subject: r.subject,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
    attempts: r.attempts,
    error: r.last_error,
  }))
}
