import type { Queryable } from './db.ts'

export interface AuditInput {
  /** Who: `rep:<email>`, `cli`, `system`. */
  actor: string
  /** What, dotted: `note.add`, `message.resend`, `choice.record`, `task.close`, `user.login` … */
  action: string
  orderId?: number | null
  detail: Record<string, unknown>
  now: Date
}

export interface AuditRow {
  auditId: number
  actor: string
  action: string
  orderId: number | null
  detail: Record<string, unknown>
  at: string
}

/**
 * Records one action in the audit log. Pass the transaction that made the change, so the
 * action and its record land together or not at all.
 */
export async function recordAudit(tx: Queryable, a: AuditInput): Promise<number> {
  const [row] = await tx.query<{ audit_id: number }>(
    `INSERT INTO audit_log (actor, action, order_id, detail, at) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING audit_id`,
    [a.actor, a.action, a.orderId ?? null, JSON.stringify(a.detail ?? {}), a.now],
  )
  return row.audit_id
}

/** An order's audit trail, newest first. */
export async function listAudit(db: Queryable, orderId: number, limit = 200): Promise<AuditRow[]> {
  const rows = await db.query<{ audit_id: number; actor: string; action: string; order_id: number | null; detail: Record<string, unknown>; at: Date }>(
    `SELECT audit_id, actor, action, order_id, detail, at FROM audit_log WHERE order_id = $1 ORDER BY at DESC, audit_id DESC LIMIT $2`,
    [orderId, limit],
  )
  return rows.map((r) => ({ auditId: r.audit_id, actor: r.actor, action: r.action, orderId: r.order_id, detail: r.detail, at: r.at.toISOString() }))
}
