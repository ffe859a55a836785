import type { Queryable } from './db.ts'

/** Kinds of rep work, most urgent first by default priority (lower = sooner). */
export const TASK_PRIORITY: Record<string, number> = {
  carrier_exception: 10,
  // A shop refusing wismo's credentials: nothing goes back to it until someone reconnects it.
  platform_revoked: 12,
  // A supplier's SFTP server showed another host key: its files wait until a person checks it.
  transport_host_key: 13,
  unavailable: 15,
  // A platform order line no supplier was found for: nobody has ordered it yet.
  platform_unsourced: 18,
  backordered: 20,
  cancelled_po_signal: 22,
  purchasing_rejected: 23,
  supplier_hold: 25,
  // A hold, fulfillment, refund or link the shop would not take: to do by hand in its admin.
  platform_call_failed: 26,
  supplier_quantities: 27,
  delayed: 30,
  stalled_in_transit: 35,
  supplier_silent: 40,
  unacknowledged: 45,
  unmatched_signal: 50,
}

export interface TaskInput {
  kind: string
  /** One open task per key: opening it again while open changes nothing. */
  dedupeKey: string
  title: string
  detail?: string | null
  priority?: number
  orderId?: number | null
  orderLineId?: number | null
  supplierId?: string | null
  dueAt?: Date | null
  now: Date
}

/** Opens a rep task unless the same one is already open; true when a new task was opened. */
export async function openTask(db: Queryable, t: TaskInput): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO tasks (kind, priority, order_id, order_line_id, supplier_id, title, detail, dedupe_key, created_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (dedupe_key) WHERE status = 'open' DO NOTHING RETURNING task_id`,
    [
      t.kind, t.priority ?? TASK_PRIORITY[t.kind] ?? 50, t.orderId ?? null, t.orderLineId ?? null, t.supplierId ?? null,
      t.title, t.detail ?? null, t.dedupeKey, t.now, t.dueAt ?? null,
    ],
  )
  return rows.length > 0
}

/** Closes the open task with this key (the condition that opened it is gone); true if one was open. */
export async function closeTask(db: Queryable, dedupeKey: string, now: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE tasks SET status = 'done', closed_at = $2 WHERE dedupe_key = $1 AND status = 'open' RETURNING task_id`,
    [dedupeKey, now],
  )
  return rows.length > 0
}

export interface TaskRow {
  taskId: number
  kind: string
  priority: number
  title: string
  detail: string | null
  orderNumber: string | null
  lineNo: number | null
  supplierId: string | null
  /** The supplier's name (what a rep reads), when the task is about one. */
  supplierName: string | null
  createdAt: string
  dueAt: string | null
}

/** The rep worklist: open tasks, most urgent first, oldest first within a priority. */
export async function listOpenTasks(db: Queryable, limit = 500): Promise<TaskRow[]> {
  const rows = await db.query<{
    task_id: number; kind: string; priority: number; title: string; detail: string | null; order_number: string | null
    line_no: number | null; supplier_id: string | null; supplier_name: string | null; created_at: Date; due_at: Date | null
  }>(
    `SELECT t.task_id, t.kind, t.priority, t.title, t.detail, o.order_number, l.line_no, t.supplier_id, s.name AS supplier_name, t.created_at, t.due_at
       FROM tasks t
       LEFT JOIN orders o ON o.order_id = t.order_id
       LEFT JOIN order_lines l ON l.order_line_id = t.order_line_id
       LEFT JOIN suppliers s ON s.supplier_id = t.supplier_id
      WHERE t.status = 'open'
      ORDER BY t.priority, t.created_at, t.task_id LIMIT $1`,
    [limit],
  )
  return rows.map((r) => ({
    taskId: r.task_id,
    kind: r.kind,
    priority: r.priority,
    title: r.title,
    detail: r.detail,
    orderNumber: r.order_number,
    lineNo: r.line_no,
    supplierId: r.supplier_id,
    supplierName: r.supplier_name,
    createdAt: r.created_at.toISOString(),
    dueAt: r.due_at ? r.due_at.toISOString() : null,
  }))
}
