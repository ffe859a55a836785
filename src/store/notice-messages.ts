/**
 * The messages that carried each delay notice (DESIGN.md "Record": each notice's channel, sent
 * at, message id, and whether it was complete), and when a complete one reached the customer —
 * what "no notice, no delay" asks of a line past its applicable time.
 */
import type { Queryable } from './db.ts'

/** One message (email, SMS) that carried a notice, as it stands now. */
export interface NoticeMessage {
  notificationId: number
  channel: string
  /** queued, sent, failed, dead, suppressed (notifications.status). */
  status: string
  sentAt: Date | null
  /** The message carried all of the notice; false: a text pointing to it. */
  complete: boolean
  /** Why it was suppressed or failed, when it was. */
  error: string | null
  /** The channel's own id: the email's Message-ID, the SMS provider's id. */
  messageId: string | null
}

/** Records which messages carried which notices, and whether each carried all of it. */
export async function recordNoticeMessages(tx: Queryable, noticeIds: number[], messages: { notificationId: number; complete: boolean }[]): Promise<void> {
  const pairs = noticeIds.flatMap((n) => messages.map((m) => ({ n, ...m })))
  if (pairs.length === 0) return
  await tx.query(
    `INSERT INTO delay_notice_messages (notice_id, notification_id, complete)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::boolean[]) ON CONFLICT DO NOTHING`,
    [pairs.map((p) => p.n), pairs.map((p) => p.notificationId), pairs.map((p) => p.complete)],
  )
}

/** The messages of these notices, by notice id, oldest first. */
export async function loadNoticeMessages(db: Queryable, noticeIds: number[]): Promise<Map<number, NoticeMessage[]>> {
  const out = new Map<number, NoticeMessage[]>()
  if (noticeIds.length === 0) return out
  const rows = await db.query<{
    notice_id: number; notification_id: number; channel: string; status: string; sent_at: Date | null; complete: boolean
    last_error: string | null; message_id: string | null
  }>(
    `SELECT m.notice_id, n.notification_id, n.channel, n.status, n.sent_at, m.complete, n.last_error,
            coalesce(n.delivery ->> 'messageId', n.delivery ->> 'id') AS message_id
       FROM delay_notice_messages m JOIN notifications n USING (notification_id)
      WHERE m.notice_id = ANY($1::bigint[]) ORDER BY n.notification_id`,
    [noticeIds],
  )
  for (const r of rows) {
    const list = out.get(r.notice_id) ?? []
    list.push({
      notificationId: r.notification_id, channel: r.channel, status: r.status, sentAt: r.sent_at, complete: r.complete,
      error: r.last_error, messageId: r.message_id,
    })
    out.set(r.notice_id, list)
  }
  return out
}

/** When a complete copy of the notice reached the customer (the first one sent); null when none has. */
export function reachedAt(messages: readonly NoticeMessage[]): Date | null {
  const sent = messages.filter((m) => m.complete && m.status === 'sent' && m.sentAt !== null).map((m) => m.sentAt!.getTime())
  return sent.length > 0 ? new Date(Math.min(...sent)) : null
}
