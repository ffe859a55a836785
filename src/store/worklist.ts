import type { Queryable } from './db.ts'
import type { TaskRow } from './tasks.ts'
import { openBackorderIds } from './open-backorders.ts'

export interface WorklistFilter {
  kind?: string
  /** Tasks about this supplier: its own, or on a line it supplies. */
  supplierId?: string
  /** Only tasks open at least this many days. */
  minAgeDays?: number
}

export type WorklistRow = TaskRow & { supplierName: string | null }

/**
 * The console's worklist: `wismo tasks` (open tasks, most urgent first, oldest first within a
 * priority) narrowed by kind, supplier and age.
 */
export async function listWorklist(db: Queryable, f: WorklistFilter, now: Date, limit = 300): Promise<WorklistRow[]> {
  const rows = await db.query<{
    task_id: number; kind: string; priority: number; title: string; detail: string | null; order_number: string | null
    line_no: number | null; supplier_id: string | null; supplier_name: string | null; created_at: Date; due_at: Date | null
  }>(
    `SELECT t.task_id, t.kind, t.priority, t.title, t.detail, o.order_number, l.line_no,
            coalesce(t.supplier_id, l.supplier_id) AS supplier_id, s.name AS supplier_name, t.created_at, t.due_at
       FROM tasks t
       LEFT JOIN orders o ON o.order_id = t.order_id
       LEFT JOIN order_lines l ON l.order_line_id = t.order_line_id
       LEFT JOIN suppliers s ON s.supplier_id = coalesce(t.supplier_id, l.supplier_id)
      WHERE t.status = 'open'
        AND ($1::text IS NULL OR t.kind = $1)
        -- Backorder tasks count as the dashboard counts open backorders (one definition, open-backorders.ts).
        AND ($1::text IS DISTINCT FROM 'backordered' OR t.order_line_id IN (${openBackorderIds('$5')}))
        AND ($2::text IS NULL OR coalesce(t.supplier_id, l.supplier_id) = $2)
        AND ($3::timestamptz IS NULL OR t.created_at <= $3)
      ORDER BY t.priority, t.created_at, t.task_id LIMIT $4`,
    [f.kind ?? null, f.supplierId ?? null, f.minAgeDays ? new Date(now.getTime() - f.minAgeDays * 86_400_000) : null, limit, now],
  )
  return rows.map((r) => ({
    taskId: r.task_id, kind: r.kind, priority: r.priority, title: r.title, detail: r.detail, orderNumber: r.order_number,
    lineNo: r.line_no, supplierId: r.supplier_id, supplierName: r.supplier_name, createdAt: r.created_at.toISOString(),
    dueAt: r.due_at ? r.due_at.toISOString() : null,
  }))
}

/** Open task counts by kind, and the suppliers that have open tasks (for the filters). */
export async function worklistFacets(db: Queryable): Promise<{ kinds: { kind: string; count: number }[]; suppliers: { id: string; name: string }[] }> {
  const kinds = await db.query<{ kind: string; count: number }>(
    `SELECT kind, count(*)::int AS count FROM tasks WHERE status = 'open' GROUP BY kind ORDER BY min(priority), kind`,
  )
  const suppliers = await db.query<{ id: string; name: string }>(
    `SELECT supplier_id AS id, name FROM suppliers ORDER BY name`,
  )
  return { kinds, suppliers }
}

/** Closes one open task by id (a rep's decision); the task row, or null when it was not open. */
export async function closeTaskById(tx: Queryable, taskId: number, now: Date): Promise<{ orderId: number | null; kind: string; title: string } | null> {
  const [r] = await tx.query<{ order_id: number | null; kind: string; title: string }>(
    `UPDATE tasks SET status = 'done', closed_at = $2 WHERE task_id = $1 AND status = 'open' RETURNING order_id, kind, title`,
    [taskId, now],
  )
  return r ? { orderId: r.order_id, kind: r.kind, title: r.title } : null
}
